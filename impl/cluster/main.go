package cluster

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"syscall"
)

// ReplicaMain is `vrcheck replica` without the CLI around it, for a test binary that runs
// itself as a replica: it parses args, runs until SIGTERM or SIGINT, and returns the exit
// status (2 for bad usage, 1 for a failure).
func ReplicaMain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("replica", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o ReplicaOptions
	fs.StringVar(&o.ClusterFile, "cluster", "", "the cluster description (cluster.json)")
	fs.IntVar(&o.ID, "id", -1, "the replica id")
	fs.IntVar(&o.Incarnation, "incarnation", 1, "which start of this replica (2 and later recover)")
	fs.IntVar(&o.ListenFD, "listen-fd", 0, "an inherited listening socket")
	fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile here")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.ClusterFile == "" || o.ID < 0 {
		fmt.Fprintln(stderr, "replica: --cluster and --id are required")
		return 2
	}
	return RunReplicaProcess(o, stdout, stderr)
}

// RunReplicaProcess runs Replica until SIGTERM or SIGINT and returns the exit status.
func RunReplicaProcess(o ReplicaOptions, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := Replica(ctx, o, stdout); err != nil {
		fmt.Fprintf(stderr, "replica %d: %v\n", o.ID, err)
		return 1
	}
	return 0
}
