package vr

import (
	"fmt"

	"github.com/vrcheck/vrcheck/traces"
)

// ClientOutput is what one client call did; the caller may reuse it (every method resets it).
type ClientOutput struct {
	Action   string // the VR.tla action taken; "" if none
	Sent     []traces.Message
	State    traces.ClientState
	Returned bool   // this action completed the outstanding request
	Result   string // its result, when Returned
	Fault    error  // a misuse (a request while one is pending, an unknown op, a non-REPLY)
}

// Reset clears o for the next call, keeping Sent's allocation.
func (o *ClientOutput) Reset() {
	*o = ClientOutput{Sent: o.Sent[:0]}
}

// Client is a VR client: at most one outstanding request, sent to the primary of the latest
// view it knows, and to every replica after a timeout.
type Client struct {
	id      int
	timeout int
	epoch   int
	config  []int // the configuration of its epoch
	view    int
	reqNum  int
	pending bool
	req     traces.Message // the outstanding REQUEST or READ (To set per send)
	timer   int
	commit  int // reads outside the log (reads.go): the largest commit-number of a REPLY
}

// NewClient returns client id (a client id, separate from replica ids), idle in view 0.
func NewClient(id int, cfg Config) *Client {
	return &Client{id: id, config: firstConfig(cfg.Replicas), timeout: max(1, cfg.ClientTimeout)}
}

// Epoch returns the latest epoch the client knows of.
func (c *Client) Epoch() int { return c.epoch }

// primary is the primary of the client's view in its epoch.
func (c *Client) primary() int { return c.config[c.view%len(c.config)] }

func (c *Client) ID() int            { return c.id }
func (c *Client) View() int          { return c.view }
func (c *Client) RequestNumber() int { return c.reqNum }
func (c *Client) Pending() bool      { return c.pending }

func (c *Client) begin(out *ClientOutput, action string) {
	out.Reset()
	out.Action = action
}

func (c *Client) end(out *ClientOutput) {
	out.State = traces.ClientState{View: c.view, RequestNumber: c.reqNum, Pending: c.pending, Epoch: c.epoch, CommitNumber: c.commit}
}

// ClientRequest issues a new request; only when !Pending() (else it is refused with a Fault).
func (c *Client) ClientRequest(op, key, value string, out *ClientOutput) {
	c.begin(out, "")
	defer c.end(out)
	if !c.idle("request", out) {
		return
	}
	switch op {
	case traces.OpGet, traces.OpPut, traces.OpAppend:
	default:
		out.Fault = fmt.Errorf("client %d: unknown op %q", c.id, op)
		return
	}
	c.issue(traces.ClientRequest, traces.Message{Type: traces.Request, Op: op, Key: key, Value: value, Epoch: c.epoch}, c.primary, out)
}

// ClientReconfiguration issues ⟨RECONFIGURATION e, c, s, config⟩ (the client acting as the
// administrator, §7.1): as ClientRequest, to the primary of the epoch the client knows.
func (c *Client) ClientReconfiguration(config []int, out *ClientOutput) {
	c.begin(out, "")
	defer c.end(out)
	if !c.idle("reconfiguration", out) {
		return
	}
	c.issue(traces.ClientReconfiguration, traces.Message{Type: traces.Reconfiguration, Config: append([]int{}, config...), Epoch: c.epoch}, c.primary, out)
}

// idle says whether the client may issue a new request (what it is, for the fault): none may
// be outstanding.
func (c *Client) idle(what string, out *ClientOutput) bool {
	if c.pending {
		out.Fault = fmt.Errorf("client %d: %s while request %d is pending", c.id, what, c.reqNum)
	}
	return !c.pending
}

// issue makes req (a REQUEST, RECONFIGURATION or READ) the outstanding request, with the
// next request-number, and sends it to replica to() (which may depend on that number);
// ClientTimeout resends it to every replica.
func (c *Client) issue(action string, req traces.Message, to func() int, out *ClientOutput) {
	out.Action = action
	c.reqNum++
	c.pending = true
	c.timer = 0
	req.From, req.Client, req.RequestNumber = c.id, c.id, c.reqNum
	c.req = req
	req.To = to()
	out.Sent = append(out.Sent, req)
}

// ClientReceiveNewEpoch takes ⟨NEWEPOCH e, v, config⟩ from a replica of a later epoch: the
// client moves to the epoch's view and configuration and sends its outstanding request there
// (a REQUEST, with the new epoch). An outstanding RECONFIGURATION completes: the group has
// moved on to epoch e, so its epoch's reconfiguration is over (the administrator reads the
// new configuration in the client's state).
func (c *Client) ClientReceiveNewEpoch(m *traces.Message, out *ClientOutput) {
	c.begin(out, traces.ClientReceiveNewEpoch)
	defer c.end(out)
	if m.Type != traces.NewEpoch {
		out.Action = ""
		out.Fault = fmt.Errorf("client %d: cannot receive a message of type %q", c.id, m.Type)
		return
	}
	if m.Epoch <= c.epoch || len(m.Config) == 0 {
		return
	}
	c.epoch, c.view, c.config = m.Epoch, m.View, append([]int{}, m.Config...)
	if !c.pending {
		return
	}
	if c.req.Type == traces.Reconfiguration {
		c.pending = false
		out.Returned = true
		return
	}
	c.req.Epoch = c.epoch
	req := c.req
	req.To = c.primary()
	out.Sent = append(out.Sent, req)
	c.timer = 0
}

// ClientReceiveReply takes a REPLY; the one for the outstanding request completes it.
func (c *Client) ClientReceiveReply(m *traces.Message, out *ClientOutput) {
	c.begin(out, traces.ClientReceiveReply)
	defer c.end(out)
	if m.Type != traces.Reply {
		out.Action = ""
		out.Fault = fmt.Errorf("client %d: cannot receive a message of type %q", c.id, m.Type)
		return
	}
	c.commit = max(c.commit, m.CommitNumber) // any REPLY: its sender had committed that far
	if c.pending && m.RequestNumber == c.reqNum {
		c.pending = false
		switch {
		case c.req.Type == traces.Reconfiguration && m.Epoch == c.epoch:
			// The reply is the commit of its epoch's RECONFIGURATION: the administrator knows
			// the next epoch's configuration (it chose it), so its next request goes there.
			c.epoch, c.view, c.config = c.epoch+1, 0, append([]int{}, c.req.Config...)
		case m.Epoch == c.epoch:
			c.view = max(c.view, m.View)
		}
		out.Returned = true
		out.Result = m.Result
	}
}

// ClientTimeout resends the outstanding request to every replica.
func (c *Client) ClientTimeout(out *ClientOutput) {
	c.begin(out, "")
	defer c.end(out)
	c.clientTimeout(out)
}

func (c *Client) clientTimeout(out *ClientOutput) {
	if !c.pending {
		return
	}
	out.Action = traces.ClientTimeout
	for _, i := range c.config {
		m := c.req
		m.To = i
		out.Sent = append(out.Sent, m)
	}
	c.timer = 0
}

// Tick advances the client's timer; a pending request is resent after ClientTimeout ticks.
func (c *Client) Tick(out *ClientOutput) {
	c.begin(out, "")
	defer c.end(out)
	if !c.pending {
		return
	}
	c.timer++
	if c.timer >= c.timeout {
		c.clientTimeout(out)
	}
}
