package transport

import (
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

func listen(t testing.TB) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return ln
}

func recv(t testing.TB, n *Node) Inbound {
	t.Helper()
	select {
	case in := <-n.In:
		return in
	case <-time.After(20 * time.Second): // only a hung test waits this long
		t.Fatal("nothing received")
		return Inbound{}
	}
}

// A replica's messages reach its peer; a client's request reaches the replica and the reply
// comes back on the client's own connection. Garbage on the replica's port is counted and
// changes nothing else.
func TestNodesExchangeMessagesAndDropGarbage(t *testing.T) {
	ln0, ln1 := listen(t), listen(t)
	r0 := NewNode(Hello{Role: RoleReplica, ID: 0, Incarnation: 1}, testKey, Options{})
	r1 := NewNode(Hello{Role: RoleReplica, ID: 1, Incarnation: 1}, testKey, Options{})
	defer r0.Close()
	defer r1.Close()
	r0.Serve(ln0)
	r1.Serve(ln1)
	r0.Connect(1, ln1.Addr().String())

	// Garbage first: random bytes, a wrong key, an oversize length.
	for _, payload := range [][]byte{
		{1, 2, 3, 4, 5, 6, 7, 8},
		NewEncoder(Key("wrong key wrong key wrong key!!!")).Hello(Hello{ID: 0}),
		{0xff, 0xff, 0xff, 0xff},
	} {
		c, err := net.Dial("tcp", ln1.Addr().String())
		require.NoError(t, err)
		_, err = c.Write(payload)
		require.NoError(t, err)
		c.Close()
	}

	p := sample()[1] // a PREPARE from 0 to 1
	r0.Send(p)
	in := recv(t, r1)
	require.Equal(t, p, in.Env)
	require.Equal(t, Hello{Role: RoleReplica, ID: 0, Incarnation: 1}, in.From)

	cl := NewNode(Hello{Role: RoleClient, ID: 3, Incarnation: 1}, testKey, Options{})
	defer cl.Close()
	cl.Connect(1, ln1.Addr().String())
	req := Envelope{Lamport: 1, Msg: traces.Message{ID: 5, Type: traces.Request, From: 3, To: 1, Client: 3, RequestNumber: 1, Op: traces.OpGet, Key: "k"}}
	cl.Send(req)
	in = recv(t, r1)
	require.Equal(t, req, in.Env)
	reply := Envelope{Lamport: 2, Msg: traces.Message{ID: 6, Type: traces.Reply, From: 1, To: 3, Client: 3, RequestNumber: 1, Result: ""}}
	r1.Send(reply)
	require.Equal(t, reply, recv(t, cl).Env)

	// A message claiming another sender than its connection's hello is dropped.
	forged := p
	forged.Msg.From = 2
	r0.Send(Envelope{Lamport: 3, Msg: forged.Msg})
	r0.Send(p)
	require.Equal(t, p, recv(t, r1).Env)

	// The garbage connections are read by their own goroutines: wait until they are counted
	// (a bound only a hung test reaches).
	var st Snapshot
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(time.Millisecond) {
		if st = r1.Stats.Snapshot(); st.Oversize+st.BadMAC+st.Malformed >= 4 {
			break
		}
	}
	require.Equal(t, int64(3), st.MessagesIn)
	require.Equal(t, int64(1), st.Oversize)  // 0xffffffff
	require.Equal(t, int64(1), st.BadMAC)    // the wrong key
	require.Equal(t, int64(2), st.Malformed) // the random bytes (a frame cut short), the forged sender
}
