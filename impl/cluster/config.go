// Package cluster runs impl/vr's replicas as processes on loopback TCP (package transport),
// with clients, a fault-injecting proxy on every link, kill -9 and restart, and per-node traces
// (package traces/merge) merged at the end. Replica is one replica process; Run is the
// supervisor behind `vrcheck cluster`. README.md beside this file describes a run.
package cluster

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// ClusterFile is the name of the cluster description in a run's directory.
const ClusterFile = "cluster.json"

// Config is cluster.json: everything a replica process needs to join, and, once the replicas
// listen, their process ids.
type Config struct {
	F        int    `json:"f"`
	Replicas int    `json:"replicas"`
	Clients  int    `json:"clients"`
	KeyFile  string `json:"keyFile"`
	// EpochNs is CLOCK_MONOTONIC at the cluster's start: traces' mono stamps count from it.
	EpochNs        int64  `json:"epochNs"`
	TickMs         int    `json:"tickMs"`         // wall-clock length of one Tick
	ReplicaTimeout int    `json:"replicaTimeout"` // in ticks, as vr.Config
	ClientTimeout  int    `json:"clientTimeout"`
	MaxFrame       int    `json:"maxFrame"`
	TraceDir       string `json:"traceDir"` // "" for no traces
	// Message ids are counter*IDStride + slot, so every process numbers its messages apart from
	// every other without coordination; slot = replica*MaxIncarnations + incarnation-1 for a
	// replica, Replicas*MaxIncarnations + client for a client.
	IDStride        int           `json:"idStride"`
	MaxIncarnations int           `json:"maxIncarnations"`
	Nodes           []ReplicaInfo `json:"nodes"`
}

// ReplicaInfo is one replica in cluster.json.
type ReplicaInfo struct {
	ID   int    `json:"id"`
	Addr string `json:"addr"` // where it listens
	// Peers[j] is the address it dials to reach replica j (a proxy, or j's Addr); "" for itself.
	Peers []string `json:"peers"`
	// ClientAddr is the address clients dial to reach it.
	ClientAddr  string `json:"clientAddr"`
	PID         int    `json:"pid"`
	Incarnation int    `json:"incarnation"`
}

// ReadConfig reads cluster.json.
func ReadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c := &Config{}
	if err := json.Unmarshal(b, c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if c.Replicas != 2*c.F+1 || len(c.Nodes) != c.Replicas || c.IDStride < c.Replicas*c.MaxIncarnations+c.Clients || c.TickMs < 1 {
		return nil, fmt.Errorf("%s: inconsistent cluster description", path)
	}
	return c, nil
}

// write replaces path atomically, so a reader never sees half of it.
func (c *Config) write(path string) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// ReplicaTrace is the node trace of replica id's incarnation inc.
func ReplicaTrace(dir string, id, inc int) string {
	return filepath.Join(dir, fmt.Sprintf("replica-%d.%d.ndjson", id, inc))
}

// ClientTrace is the node trace of client c.
func ClientTrace(dir string, c int) string {
	return filepath.Join(dir, fmt.Sprintf("client-%d.ndjson", c))
}

func (c *Config) replicaSlot(id, inc int) int { return id*c.MaxIncarnations + inc - 1 }
func (c *Config) clientSlot(id int) int       { return c.Replicas*c.MaxIncarnations + id }
