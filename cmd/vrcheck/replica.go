package main

import (
	"github.com/spf13/cobra"

	"github.com/vrcheck/vrcheck/impl/cluster"
)

func init() { register(newReplicaCmd) }

func newReplicaCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "replica --cluster FILE --id N [flags]",
		Short: "run one replica process of a cluster (started by vrcheck cluster)",
		Long: `Run one impl/vr replica over TCP, as described by a cluster.json (vrcheck cluster writes it),
until SIGTERM or SIGINT. An incarnation after the first is a restart after a crash: it logs
the crash and recovers with the paper's recovery protocol and a fresh nonce. With a trace
directory in cluster.json it writes its node trace there (traces/README.md, "Real runs").
It prints "listening ADDR", then "status STATUS VIEW" on each change, "dropped REASON" for
each rejected frame, and "stats {...}" when it stops.
Exit status: 0 stopped by a signal, 1 it failed, 2 bad usage.`,
		Args: noArgs,
	}
	fs := cmd.Flags()
	var o cluster.ReplicaOptions
	fs.StringVar(&o.ClusterFile, "cluster", "", "the cluster description (`cluster.json`)")
	fs.IntVar(&o.ID, "id", -1, "the replica `id`")
	fs.IntVar(&o.Incarnation, "incarnation", 1, "which start of this replica (`n` > 1: recover)")
	fs.IntVar(&o.ListenFD, "listen-fd", 0, "an inherited listening socket's file descriptor (0: listen on the address in cluster.json)")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile to this `file` when stopping")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if o.ClusterFile == "" || o.ID < 0 {
			return usageErrorf("--cluster and --id are required")
		}
		if _, err := cluster.ReadConfig(o.ClusterFile); err != nil {
			return inputError(err)
		}
		return exitCode(cluster.RunReplicaProcess(o, cmd.OutOrStdout(), cmd.ErrOrStderr()))
	}
	return cmd
}
