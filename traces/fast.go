package traces

import (
	"hash/maphash"
	"math"
	"slices"
	"unicode/utf8"
)

// fastDecoder reads an event line in the Writer's canonical form: the documented field order,
// no whitespace, no escapes in strings. On anything else it reports false and the general
// decoder (decoder) reads the line, so every error, and every line in another form, is the
// general decoder's. It accepts only lines the general decoder accepts, into equal Events
// (TestFastMatchesGeneral and FuzzFastMatchesGeneral compare the two).
type fastDecoder struct {
	b      []byte
	i      int
	h      *Header
	schema *schema
	// full[t]: the header's version has every field of message type t (else the general
	// decoder reads the line, and names what is missing or too new).
	full [numMsgTypes]bool
	// opt[t]: the optional fields (Optional) the header's version allows on message type t.
	opt [numMsgTypes]uint32
	// canon: the header's version has every replica-state field of version 1 and no field the
	// fast path does not know; ckpt: and the checkpoint (version 4); epochs: and the epoch and
	// configurations (version 5); clock: and the clock (version 7).
	canon, ckpt, epochs, clock bool
	// reconf: the statuses and the log entry op of reconfiguration (version 5); clientEpoch,
	// clientCommit: the client state's epoch (version 5) and commitNumber (version 6).
	reconf, clientEpoch, clientCommit bool
	strs                              strCache
	sent                              sentCache
	// configs holds one copy of each configuration seen: they repeat on every line.
	configs map[string][]int
	// share: an event's msg that is byte for byte a message sent earlier is that message, the
	// one in the sender's sent list, not a copy (ShareMessages).
	share bool
	spans []int // scratch: where each message of the list being read starts and ends
	// Slabs the decoded events are carved from, a few allocations per slab instead of one
	// per event, list and entry (see slab).
	recvSlab   slab[recvBlock]
	timerSlab  slab[timerBlock]
	clientSlab slab[clientBlock]
	replySlab  slab[replyBlock]
	netSlab    slab[netBlock]
	eventSlab  slab[Event] // a network action's event whose message is shared
	listSlab   slab[Message]
	entrySlab  slab[Entry] // the entries of lists (logs, logAdd)
	oneSlab    slab[Entry] // the entry of each PREPARE, which the checker keeps
}

// slab hands out consecutive pieces of a larger array: decoding allocates per slab rather
// than per piece, which halves the decoder's allocations. A piece keeps its slab alive, so
// slabs are small (a few kilobytes) and things kept for long (the entry of a PREPARE) are not
// carved from the slabs of things dropped after the event (logAdd).
type slab[T any] struct{ free []T }

const slabLen = 32

func (s *slab[T]) take(n int) []T {
	if n > slabLen/2 {
		return make([]T, n)
	}
	if len(s.free) < n {
		s.free = make([]T, slabLen)
	}
	out := s.free[:n:n]
	s.free = s.free[n:]
	return out
}

// list is a list decoded in place: its elements go straight into a slab's free space, and
// only a list longer than what is left moves, once, to an array of its own (decoding into a
// scratch list and copying it out cost a copy and its write barriers per element).
type list[T any] struct {
	s   *slab[T]
	cur []T // the elements so far; cap: where they may grow without moving
}

func (s *slab[T]) list() list[T] { return list[T]{s: s, cur: s.free[:0]} }

// add appends a zero element and returns it; it is valid until the next add.
func (l *list[T]) add() *T {
	n := len(l.cur)
	if n == cap(l.cur) {
		moved := make([]T, n, max(slabLen, 2*n))
		copy(moved, l.cur)
		clear(l.cur) // slab space again, which decoding expects zero
		l.cur = moved
	}
	l.cur = l.cur[:n+1]
	return &l.cur[n]
}

// done returns the list; what it took of the slab is no longer free. A list that moved to a
// slab-sized array leaves the rest of that array as the slab.
func (l *list[T]) done() []T {
	n := len(l.cur)
	out := l.cur[:n:n]
	switch {
	case n <= len(l.s.free) && n > 0 && &l.s.free[0] == &l.cur[0]:
		l.s.free = l.s.free[n:]
	case cap(l.cur) <= slabLen:
		l.s.free = l.cur[n:cap(l.cur)]
	}
	return out
}

// abort forgets the list: the slab space it used is zero again.
func (l *list[T]) abort() { clear(l.cur) }

func (f *fastDecoder) init(h *Header, s *schema) {
	f.h, f.schema = h, s
	// The fast path reads the state fields it knows, in the Writer's order: those of version
	// 1, then the checkpoint, then the epoch and configurations, each group if the header's
	// version has it; a version with any other field (or part of a group) is the general
	// decoder's.
	bit := func(names ...string) uint32 {
		var m uint32
		for _, n := range names {
			m |= 1 << slices.Index(ReplicaStateFields, n)
		}
		return m
	}
	v1 := bit("viewNumber", "status", "opNumber", "commitNumber", "lastNormalView", "nonce", "logKeep", "logAdd")
	ck, ep, cl := bit("checkpoint"), bit("epochNumber", "config", "oldConfig"), bit("clock")
	f.ckpt, f.epochs, f.clock = s.stateMask&ck != 0, s.stateMask&ep == ep, s.stateMask&cl != 0
	f.canon = s.stateMask&v1 == v1 && (s.stateMask&ep == 0 || f.epochs) && s.stateMask&^(v1|ck|ep|cl) == 0
	f.reconf = s.version >= ReconfigurationVersion
	f.clientEpoch, f.clientCommit = s.version >= ReconfigurationVersion, s.version >= ReadsVersion
	for t, i := range msgTypeIndex {
		mask, ok := s.fieldMask[t]
		want := uint32(0xf)
		for _, fl := range Fields[t] {
			want |= payloadBit(fl)
		}
		f.full[i] = ok && mask == want && s.t.typeSince(t) <= s.version
		f.opt[i] = s.optMask[t]
	}
	f.strs.seed = maphash.MakeSeed()
}

// The blocks of an event and the message and state it points to, one allocation, one type
// per kind of action: an event is carved from the block of its kind, which holds what that
// kind has and no more (a Message is 272 bytes).
type (
	recvBlock struct { // a replica's receive action
		e Event
		m Message
		s ReplicaState
	}
	timerBlock struct { // a replica's other actions
		e Event
		s ReplicaState
	}
	clientBlock struct { // a client's actions but ClientReceiveReply
		e  Event
		cs ClientState
	}
	replyBlock struct { // ClientReceiveReply
		e  Event
		m  Message
		cs ClientState
	}
	netBlock struct { // the network's actions
		e Event
		m Message
	}
)

// block returns a new event and the message (if withMsg), state and client state an event of
// the action's kind points to (nil where it has none).
func (f *fastDecoder) block(action string, kind ActionKind, withMsg bool) (*Event, *Message, *ReplicaState, *ClientState) {
	switch {
	case kind == ReplicaReceive && withMsg:
		b := &f.recvSlab.take(1)[0]
		return &b.e, &b.m, &b.s, nil
	case kind == ReplicaReceive || kind == ReplicaTimer:
		b := &f.timerSlab.take(1)[0]
		return &b.e, nil, &b.s, nil
	case kind == ClientAction && withMsg:
		b := &f.replySlab.take(1)[0]
		return &b.e, &b.m, nil, &b.cs
	case kind == ClientAction:
		b := &f.clientSlab.take(1)[0]
		return &b.e, nil, nil, &b.cs
	case withMsg:
		b := &f.netSlab.take(1)[0]
		return &b.e, &b.m, nil, nil
	}
	return &f.eventSlab.take(1)[0], nil, nil, nil
}

// event decodes b, or reports false.
func (f *fastDecoder) event(b []byte) (*Event, bool) {
	f.b, f.i = b, 0
	if !f.lit(`{"seq":`) {
		return nil, false
	}
	seq, ok := f.int()
	if !ok || !f.lit(`,"tick":`) {
		return nil, false
	}
	tick, ok := f.int()
	if !ok || !f.lit(`,"action":`) {
		return nil, false
	}
	raw, ok := f.raw()
	if !ok {
		return nil, false
	}
	action, kind := actionOf(raw)
	if kind == 0 || f.schema.t.actionSince(action) > f.schema.version {
		return nil, false
	}
	replica, client := -1, -1
	switch kind {
	case ReplicaReceive, ReplicaTimer:
		if !f.lit(`,"replica":`) {
			return nil, false
		}
		if replica, ok = f.int(); !ok || replica >= f.h.Nodes() {
			return nil, false
		}
	case ClientAction:
		if !f.lit(`,"client":`) {
			return nil, false
		}
		if client, ok = f.int(); !ok || client >= f.h.Clients {
			return nil, false
		}
	}
	hasMsg := kind == ReplicaReceive || kind == NetworkAction || action == ClientReceiveReply || action == ClientReceiveNewEpoch
	var cached *Message // the message, if the same bytes were decoded as a sent one
	if hasMsg {
		if !f.lit(`,"msg":`) {
			return nil, false
		}
		cached = f.sent.reuse(f)
	}
	e, msg, st, cs := f.block(action, kind, hasMsg && (cached == nil || !f.share))
	e.Seq, e.Tick, e.Action, e.Replica, e.Client = seq, tick, action, replica, client
	if hasMsg {
		switch {
		case cached != nil && f.share:
			e.Msg = cached
		case cached != nil:
			*msg = *cached
			e.Msg = msg
		default:
			if !f.message(msg) {
				return nil, false
			}
			e.Msg = msg
		}
		if kind == ReplicaReceive && ReceiveAction(e.Msg.Type) != action || kind == ClientAction && ClientReceiveAction(e.Msg.Type) != action {
			return nil, false
		}
	}
	if kind != NetworkAction {
		if !f.lit(`,"sent":[`) {
			return nil, false
		}
		if e.Sent, ok = f.messages(); !ok {
			return nil, false
		}
	}
	switch kind {
	case ReplicaReceive, ReplicaTimer:
		e.State = st
		if !f.replicaState(e.State) {
			return nil, false
		}
	case ClientAction:
		e.ClientState = cs
		s := e.ClientState
		if !f.canon || !f.lit(`,"clientState":{"view":`) {
			return nil, false
		}
		if s.View, ok = f.int(); !ok || !f.lit(`,"requestNumber":`) {
			return nil, false
		}
		if s.RequestNumber, ok = f.int(); !ok || !f.lit(`,"pending":`) {
			return nil, false
		}
		switch {
		case f.lit("true"):
			s.Pending = true
		case f.lit("false"):
		default:
			return nil, false
		}
		if f.clientEpoch {
			if !f.lit(`,"epoch":`) {
				return nil, false
			}
			if s.Epoch, ok = f.int(); !ok {
				return nil, false
			}
		}
		if f.clientCommit {
			if !f.lit(`,"commitNumber":`) {
				return nil, false
			}
			if s.CommitNumber, ok = f.int(); !ok {
				return nil, false
			}
		}
		if !f.lit("}") {
			return nil, false
		}
	}
	if !f.lit("}") || f.i != len(f.b) {
		return nil, false
	}
	return e, true
}

// messages reads the rest of a list of messages, after its '['.
func (f *fastDecoder) messages() ([]Message, bool) {
	if f.lit("]") {
		return []Message{}, true
	}
	f.spans = f.spans[:0]
	l := f.listSlab.list()
	for {
		start := f.i
		if !f.message(l.add()) {
			l.abort()
			return nil, false
		}
		f.spans = append(f.spans, start, f.i)
		if f.lit("]") {
			break
		}
		if !f.lit(",") {
			l.abort()
			return nil, false
		}
	}
	out := l.done()
	for k := range out {
		f.sent.add(f.b[f.spans[2*k]:f.spans[2*k+1]], &out[k], f.share)
	}
	return out, true
}

func (f *fastDecoder) message(m *Message) bool {
	if !f.lit(`{"id":`) {
		return false
	}
	var ok bool
	if m.ID, ok = f.int(); !ok || m.ID == 0 || !f.lit(`,"type":`) {
		return false
	}
	raw, ok := f.raw()
	if !ok {
		return false
	}
	ti, ok := msgTypeOf(raw)
	if !ok || !f.full[ti] {
		return false
	}
	m.Type = msgTypes[ti]
	if !f.lit(`,"from":`) {
		return false
	}
	if m.From, ok = f.int(); !ok || !f.lit(`,"to":`) {
		return false
	}
	if m.To, ok = f.int(); !ok {
		return false
	}
	for _, fl := range msgFields[ti] {
		if !f.lit(fieldKey(fl)) {
			return false
		}
		switch fl {
		case FView:
			m.View, ok = f.int()
		case FOpNumber:
			m.OpNumber, ok = f.int()
		case FCommitNumber:
			m.CommitNumber, ok = f.int()
		case FLastNormalView:
			m.LastNormalView, ok = f.int()
		case FFromOpNumber:
			m.FromOpNumber, ok = f.int()
		case FReplica:
			m.Replica, ok = f.int()
		case FNonce:
			m.Nonce, ok = f.int()
		case FClient:
			m.Client, ok = f.int()
		case FRequestNumber:
			m.RequestNumber, ok = f.int()
		case FOp:
			m.Op, ok = f.op(false)
		case FKey:
			m.Key, ok = f.str()
		case FValue:
			m.Value, ok = f.str()
		case FResult:
			m.Result, ok = f.str()
		case FEntry:
			m.Entry = &f.oneSlab.take(1)[0]
			ok = f.entry(m.Entry)
		case FLog:
			m.Log, ok = f.entries()
		case FEpoch:
			m.Epoch, ok = f.int()
		case FConfig:
			m.Config, ok = f.config()
		case FOldConfig:
			m.OldConfig, ok = f.config()
		}
		if !ok {
			return false
		}
	}
	// The optional fields, in Optional's order, each written only when not empty.
	for _, fl := range msgOptional[ti] {
		if f.opt[ti]&payloadBit(fl) == 0 {
			continue
		}
		switch fl {
		case FLog:
			if f.lit(`,"log":`) {
				if m.Log, ok = f.entries(); !ok || len(m.Log) == 0 {
					return false // an empty optional log is not the Writer's: the general decoder's
				}
			}
		case FCheckpoint:
			if f.lit(`,"checkpoint":`) {
				m.Checkpoint = new(Checkpoint)
				if !f.checkpoint(m.Checkpoint) {
					return false
				}
			}
		case FEpoch:
			if f.lit(`,"epoch":`) {
				if m.Epoch, ok = f.int(); !ok {
					return false
				}
			}
		case FCommitNumber:
			if f.lit(`,"commitNumber":`) {
				if m.CommitNumber, ok = f.int(); !ok {
					return false
				}
			}
		case FClock:
			if f.lit(`,"clock":`) {
				if m.Clock, ok = f.int(); !ok {
					return false
				}
			}
		}
	}
	if !f.lit("}") {
		return false
	}
	from, to := f.h.Nodes(), f.h.Nodes()
	if FromClient(m.Type) {
		from = f.h.Clients
	}
	if ToClient(m.Type) {
		to = f.h.Clients
	}
	return m.From < from && m.To < to
}

// config reads a configuration as appendInts writes it: replica ids of the universe,
// strictly increasing; [] reads as nil, as in the general decoder. Each distinct one is
// decoded once and shared (nothing writes a configuration in place).
func (f *fastDecoder) config() ([]int, bool) {
	start := f.i
	if !f.lit("[") {
		return nil, false
	}
	if f.lit("]") {
		return nil, true
	}
	var buf [16]int
	ids := buf[:0]
	for {
		id, ok := f.int()
		if !ok || id >= f.h.Nodes() || len(ids) > 0 && id <= ids[len(ids)-1] {
			return nil, false
		}
		ids = append(ids, id)
		if f.lit("]") {
			break
		}
		if !f.lit(",") {
			return nil, false
		}
	}
	raw := f.b[start:f.i]
	if c, ok := f.configs[string(raw)]; ok {
		return c, true
	}
	if f.configs == nil || len(f.configs) > 256 {
		f.configs = map[string][]int{}
	}
	c := slices.Clone(ids)
	f.configs[string(raw)] = c
	return c, true
}

func (f *fastDecoder) replicaState(s *ReplicaState) bool {
	if !f.canon || !f.lit(`,"state":{"viewNumber":`) {
		return false
	}
	var ok bool
	if s.ViewNumber, ok = f.int(); !ok || !f.lit(`,"status":`) {
		return false
	}
	raw, ok := f.raw()
	switch {
	case !ok:
		return false
	case string(raw) == StatusNormal:
		s.Status = StatusNormal
	case string(raw) == StatusViewChange:
		s.Status = StatusViewChange
	case string(raw) == StatusRecovering:
		s.Status = StatusRecovering
	case f.reconf && string(raw) == StatusIdle:
		s.Status = StatusIdle
	case f.reconf && string(raw) == StatusTransitioning:
		s.Status = StatusTransitioning
	case f.reconf && string(raw) == StatusShutDown:
		s.Status = StatusShutDown
	default:
		return false
	}
	if !f.lit(`,"opNumber":`) {
		return false
	}
	if s.OpNumber, ok = f.int(); !ok || !f.lit(`,"commitNumber":`) {
		return false
	}
	if s.CommitNumber, ok = f.int(); !ok || !f.lit(`,"lastNormalView":`) {
		return false
	}
	if s.LastNormalView, ok = f.int(); !ok || !f.lit(`,"nonce":`) {
		return false
	}
	if s.Nonce, ok = f.int(); !ok || !f.lit(`,"logKeep":`) {
		return false
	}
	if s.LogKeep, ok = f.int(); !ok || !f.lit(`,"logAdd":`) {
		return false
	}
	if s.LogAdd, ok = f.entries(); !ok {
		return false
	}
	if f.ckpt {
		if !f.lit(`,"checkpoint":`) {
			return false
		}
		if s.Checkpoint, ok = f.int(); !ok {
			return false
		}
	}
	if f.epochs {
		if !f.lit(`,"epochNumber":`) {
			return false
		}
		if s.EpochNumber, ok = f.int(); !ok || !f.lit(`,"config":`) {
			return false
		}
		if s.Config, ok = f.config(); !ok || !f.lit(`,"oldConfig":`) {
			return false
		}
		if s.OldConfig, ok = f.config(); !ok {
			return false
		}
	}
	if f.clock {
		if !f.lit(`,"clock":`) {
			return false
		}
		if s.Clock, ok = f.int(); !ok {
			return false
		}
	}
	return f.lit("}")
}

// checkpoint reads a checkpoint as appendCheckpoint writes it: the store sorted by key and
// the client-table by client, each at most once (else the general decoder reads the line and
// reports what is wrong).
func (f *fastDecoder) checkpoint(c *Checkpoint) bool {
	var ok bool
	if !f.lit(`{"opNumber":`) {
		return false
	}
	if c.OpNumber, ok = f.int(); !ok || !f.lit(`,"store":[`) {
		return false
	}
	c.Store = []KeyValue{}
	for !f.lit("]") {
		if len(c.Store) > 0 && !f.lit(",") || !f.lit(`{"key":`) {
			return false
		}
		var kv KeyValue
		if kv.Key, ok = f.str(); !ok || !f.lit(`,"value":`) {
			return false
		}
		if kv.Value, ok = f.str(); !ok || !f.lit("}") {
			return false
		}
		if len(c.Store) > 0 && c.Store[len(c.Store)-1].Key >= kv.Key {
			return false
		}
		c.Store = append(c.Store, kv)
	}
	if !f.lit(`,"table":[`) {
		return false
	}
	c.Table = []TableRow{}
	for !f.lit("]") {
		if len(c.Table) > 0 && !f.lit(",") || !f.lit(`{"client":`) {
			return false
		}
		var t TableRow
		if t.Client, ok = f.int(); !ok || !f.lit(`,"requestNumber":`) {
			return false
		}
		if t.RequestNumber, ok = f.int(); !ok || !f.lit(`,"result":`) {
			return false
		}
		if t.Result, ok = f.str(); !ok || !f.lit("}") {
			return false
		}
		if len(c.Table) > 0 && c.Table[len(c.Table)-1].Client >= t.Client {
			return false
		}
		c.Table = append(c.Table, t)
	}
	return f.lit("}")
}

func (f *fastDecoder) entries() ([]Entry, bool) {
	if !f.lit("[") {
		return nil, false
	}
	if f.lit("]") {
		return []Entry{}, true
	}
	l := f.entrySlab.list()
	for {
		if !f.entry(l.add()) {
			l.abort()
			return nil, false
		}
		if f.lit("]") {
			break
		}
		if !f.lit(",") {
			l.abort()
			return nil, false
		}
	}
	return l.done(), true
}

func (f *fastDecoder) entry(e *Entry) bool {
	if !f.lit(`{"client":`) {
		return false
	}
	var ok bool
	if e.Client, ok = f.int(); !ok || !f.lit(`,"requestNumber":`) {
		return false
	}
	if e.RequestNumber, ok = f.int(); !ok || !f.lit(`,"op":`) {
		return false
	}
	if e.Op, ok = f.op(f.reconf); !ok || !f.lit(`,"key":`) {
		return false
	}
	if e.Key, ok = f.str(); !ok || !f.lit(`,"value":`) {
		return false
	}
	if e.Value, ok = f.str(); !ok {
		return false
	}
	return f.lit("}")
}

// lit consumes s if the input continues with it.
func (f *fastDecoder) lit(s string) bool {
	if len(f.b)-f.i >= len(s) && string(f.b[f.i:f.i+len(s)]) == s {
		f.i += len(s)
		return true
	}
	return false
}

// int reads an integer in 0..2^31-1 without a leading zero. What follows is checked by the
// next literal, which a '.', an 'e' or another digit never matches.
func (f *fastDecoder) int() (int, bool) {
	b, i := f.b, f.i
	if i >= len(b) || b[i] < '0' || b[i] > '9' {
		return 0, false
	}
	if b[i] == '0' {
		f.i++
		return 0, true
	}
	v := 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		if i-f.i == 10 {
			return 0, false
		}
		v = v*10 + int(b[i]-'0')
	}
	if v > math.MaxInt32 {
		return 0, false
	}
	f.i = i
	return v, true
}

// raw reads a string without escapes or control characters and returns its bytes.
func (f *fastDecoder) raw() ([]byte, bool) {
	b, i := f.b, f.i
	if i >= len(b) || b[i] != '"' {
		return nil, false
	}
	i++
	start, ascii := i, true
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '"':
			s := b[start:i]
			if !ascii && !utf8.Valid(s) {
				return nil, false
			}
			f.i = i + 1
			return s, true
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, false
}

func (f *fastDecoder) str() (string, bool) {
	b, ok := f.raw()
	if !ok {
		return "", false
	}
	return f.strs.get(b), true
}

// op reads an operation; reconf: it may be a reconfiguration (a log entry, version 5).
func (f *fastDecoder) op(reconf bool) (string, bool) {
	b, ok := f.raw()
	switch {
	case !ok:
		return "", false
	case string(b) == OpGet:
		return OpGet, true
	case string(b) == OpPut:
		return OpPut, true
	case string(b) == OpAppend:
		return OpAppend, true
	case reconf && string(b) == OpReconfiguration:
		return OpReconfiguration, true
	}
	return "", false
}

// sentCache remembers the messages recently sent, with their bytes: a trace writes each
// message twice, when it is sent and when it is received (or dropped or duplicated), and a
// message whose bytes equal those of one already decoded decodes to the same Message. It
// does not depend on the sender's event having been read without error: a message's decoding
// depends only on its bytes and the header.
type sentCache struct {
	arena []byte          // copies of the bytes of the messages in slots
	slots *[4096]sentSlot // allocated at the first add (a reader of a few lines needs none)
}

type sentSlot struct {
	raw []byte   // nil: empty
	m   *Message // the message: in the sent list it was decoded into if shared, else copy
	// copy is the message as decoded when messages are not shared: the caller may change
	// its events, and the next line must decode as its bytes say.
	copy Message
}

const sentArena = 1 << 20

func (c *sentCache) add(raw []byte, m *Message, share bool) {
	if len(c.arena)+len(raw) > cap(c.arena) {
		if len(raw) > sentArena/4 {
			return
		}
		if c.arena == nil {
			c.arena = make([]byte, 0, sentArena)
			c.slots = new([4096]sentSlot)
		}
		c.arena = c.arena[:0]
		clear(c.slots[:])
	}
	n := len(c.arena)
	c.arena = append(c.arena, raw...)
	s := &c.slots[m.ID%len(c.slots)]
	s.raw = c.arena[n:len(c.arena):len(c.arena)]
	if share {
		s.m = m
	} else {
		s.copy = *m
		s.m = &s.copy
	}
}

// reuse reads the message at f's position if it is one in the cache, byte for byte, and
// returns it (nil if it is not).
func (c *sentCache) reuse(f *fastDecoder) *Message {
	start := f.i
	if !f.lit(`{"id":`) {
		return nil
	}
	id, ok := f.int()
	f.i = start
	if !ok || c.slots == nil {
		return nil
	}
	s := &c.slots[id%len(c.slots)]
	if s.raw == nil || s.m.ID != id || len(f.b)-start < len(s.raw) || string(f.b[start:start+len(s.raw)]) != string(s.raw) {
		return nil
	}
	f.i = start + len(s.raw)
	return s.m
}

// strCache shares one copy of each short string recently seen (traces repeat keys, values
// and results on every line): a direct-mapped table, cheaper than a map.
type strCache struct {
	seed  maphash.Seed
	slots [1024]string
}

func (c *strCache) get(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > 64 {
		return string(b)
	}
	slot := &c.slots[maphash.Bytes(c.seed, b)%uint64(len(c.slots))]
	if *slot == string(b) {
		return *slot
	}
	s := string(b)
	*slot = s
	return s
}

// actionOf returns the action named b and its kind (0 if b names none), without allocating.
func actionOf(b []byte) (string, ActionKind) {
	switch string(b) {
	case ReceiveRequest:
		return ReceiveRequest, ReplicaReceive
	case ReceivePrepare:
		return ReceivePrepare, ReplicaReceive
	case ReceivePrepareOk:
		return ReceivePrepareOk, ReplicaReceive
	case ReceiveCommit:
		return ReceiveCommit, ReplicaReceive
	case ReceiveStartViewChange:
		return ReceiveStartViewChange, ReplicaReceive
	case ReceiveDoViewChange:
		return ReceiveDoViewChange, ReplicaReceive
	case ReceiveStartView:
		return ReceiveStartView, ReplicaReceive
	case ReceiveRecovery:
		return ReceiveRecovery, ReplicaReceive
	case ReceiveRecoveryResponse:
		return ReceiveRecoveryResponse, ReplicaReceive
	case ReceiveGetState:
		return ReceiveGetState, ReplicaReceive
	case ReceiveNewState:
		return ReceiveNewState, ReplicaReceive
	case SendCommit:
		return SendCommit, ReplicaTimer
	case ResendPrepare:
		return ResendPrepare, ReplicaTimer
	case TimeoutStartViewChange:
		return TimeoutStartViewChange, ReplicaTimer
	case Crash:
		return Crash, ReplicaTimer
	case StartRecovery:
		return StartRecovery, ReplicaTimer
	case ResendStartViewChange:
		return ResendStartViewChange, ReplicaTimer
	case ResendDoViewChange:
		return ResendDoViewChange, ReplicaTimer
	case ResendStartView:
		return ResendStartView, ReplicaTimer
	case SendPrepare:
		return SendPrepare, ReplicaTimer
	case ReceiveReconfiguration:
		return ReceiveReconfiguration, ReplicaReceive
	case ReceiveStartEpoch:
		return ReceiveStartEpoch, ReplicaReceive
	case ReceiveEpochStarted:
		return ReceiveEpochStarted, ReplicaReceive
	case TimeoutStartEpoch:
		return TimeoutStartEpoch, ReplicaTimer
	case ResendStartEpoch:
		return ResendStartEpoch, ReplicaTimer
	case ClientReconfiguration:
		return ClientReconfiguration, ClientAction
	case ClientReceiveNewEpoch:
		return ClientReceiveNewEpoch, ClientAction
	case TakeCheckpoint:
		return TakeCheckpoint, ReplicaTimer
	case ClientRequest:
		return ClientRequest, ClientAction
	case ClientReceiveReply:
		return ClientReceiveReply, ClientAction
	case ClientTimeout:
		return ClientTimeout, ClientAction
	case ReceiveRead:
		return ReceiveRead, ReplicaReceive
	case ReplyRead:
		return ReplyRead, ReplicaTimer
	case ClientRead:
		return ClientRead, ClientAction
	case DropMessage:
		return DropMessage, NetworkAction
	case DuplicateMessage:
		return DuplicateMessage, NetworkAction
	}
	return "", 0
}

// The message types by index, their fields, and the index of each.
const numMsgTypes = 17

var msgTypes = [numMsgTypes]MsgType{Request, Prepare, PrepareOk, Reply, Commit, StartViewChange,
	DoViewChange, StartView, Recovery, RecoveryResponse, GetState, NewState,
	Reconfiguration, StartEpoch, EpochStarted, NewEpoch, Read}

var msgTypeIndex = func() map[MsgType]int {
	m := map[MsgType]int{}
	for i, t := range msgTypes {
		m[t] = i
	}
	return m
}()

var msgOptional = func() (fs [numMsgTypes][]Field) {
	for i, t := range msgTypes {
		fs[i] = Optional[t]
	}
	return fs
}()

var msgFields = func() (fs [numMsgTypes][]Field) {
	for i, t := range msgTypes {
		fs[i] = Fields[t]
	}
	return fs
}()

func msgTypeOf(b []byte) (int, bool) {
	switch string(b) {
	case string(Request):
		return 0, true
	case string(Prepare):
		return 1, true
	case string(PrepareOk):
		return 2, true
	case string(Reply):
		return 3, true
	case string(Commit):
		return 4, true
	case string(StartViewChange):
		return 5, true
	case string(DoViewChange):
		return 6, true
	case string(StartView):
		return 7, true
	case string(Recovery):
		return 8, true
	case string(RecoveryResponse):
		return 9, true
	case string(GetState):
		return 10, true
	case string(NewState):
		return 11, true
	case string(Reconfiguration):
		return 12, true
	case string(StartEpoch):
		return 13, true
	case string(EpochStarted):
		return 14, true
	case string(NewEpoch):
		return 15, true
	case string(Read):
		return 16, true
	}
	return 0, false
}

// fieldKey is `,"f":` for payload field f, as a constant.
func fieldKey(f Field) string {
	switch f {
	case FView:
		return `,"view":`
	case FOpNumber:
		return `,"opNumber":`
	case FCommitNumber:
		return `,"commitNumber":`
	case FLastNormalView:
		return `,"lastNormalView":`
	case FFromOpNumber:
		return `,"fromOpNumber":`
	case FReplica:
		return `,"replica":`
	case FNonce:
		return `,"nonce":`
	case FClient:
		return `,"client":`
	case FRequestNumber:
		return `,"requestNumber":`
	case FOp:
		return `,"op":`
	case FKey:
		return `,"key":`
	case FValue:
		return `,"value":`
	case FResult:
		return `,"result":`
	case FEntry:
		return `,"entry":`
	case FLog:
		return `,"log":`
	case FEpoch:
		return `,"epoch":`
	case FConfig:
		return `,"config":`
	case FOldConfig:
		return `,"oldConfig":`
	}
	return "\x00" // matches no trace (a line never holds NUL outside a string)
}
