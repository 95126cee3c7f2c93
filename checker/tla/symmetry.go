package tla

import (
	"slices"
	"sort"
	"strings"
)

// Symmetry reduction as TLC does it (TLCStateMut.fingerPrint): a state
// stands for its orbit under the SYMMETRY set's permutations by its
// smallest image, comparing the images variable by variable in the order
// the variables are declared, each by TLC's order of values (cmp); the
// fingerprint is that image's. Under VIEW, the view's value is what is
// permuted. When the SYMMETRY set is a group (Permutations(S), or their
// product) any choice of representative gives the same reduction; when it
// is not (a union such as Permutations(A) \cup Permutations(B)), the
// number of states depends on the choice, and this one is TLC's.

// symmetryRep is the smallest of the images of vals under the symmetry
// group (vals itself when no image is smaller). The permutation of a state
// stops at the first variable where its image is already larger than the
// smallest one found so far.
func (ck *checker) symmetryRep(c *ctx, vals []Value) []Value {
	if len(vals) == 0 {
		return vals
	}
	sym := ck.sym
	if c.symCache == nil {
		c.symCache = &symCache{}
	}
	sc := c.symCache
	min := vals
	var img []Value
	for pi := range sym.perms {
		if img == nil {
			img = make([]Value, len(vals))
		}
		c := 0
		for j, v := range vals {
			if c != 0 {
				img[j] = sym.permute(v, pi, sc)
				continue
			}
			if x, ok := v.(*Set); ok {
				if m, ok := min[j].(*Set); ok && len(m.elems) == len(x.elems) {
					c, img[j] = sym.cmpSetImage(x, pi, sc, m)
					if c > 0 {
						break
					}
					continue
				}
			}
			img[j] = sym.permute(v, pi, sc)
			if c = cmp(img[j], min[j]); c > 0 {
				break
			}
		}
		if c < 0 {
			if &min[0] == &vals[0] {
				min, img = img, nil
			} else {
				min, img = img, min
			}
		}
	}
	return min
}

// cmpSetImage compares the image of x under permutation pi with m (a set
// of x's size) without building the image when it is larger: the elements
// the permutation leaves alone stay in order, the images of the others
// are sorted, and the two are merged against m's elements up to the first
// difference. It returns the comparison and, unless the image is larger,
// the image.
func (s *symmetry) cmpSetImage(x *Set, pi int, sc *symCache, m *Set) (int, Value) {
	same, moved := sc.same[:0], sc.moved[:0]
	for _, e := range x.elems {
		if pe := s.permute(e, pi, sc); pe != e {
			moved = append(moved, pe)
		} else {
			same = append(same, e)
		}
	}
	sc.same, sc.moved = same[:0], moved[:0]
	if len(moved) == 0 {
		return cmpElems(x.elems, m.elems), x
	}
	// moved[:sorted] is in order and below the rest: the first few are
	// selected one by one (most permutations are decided there), the rest
	// sorted when needed
	sorted, selections := 0, 0
	upTo := func(j int) {
		for sorted <= j && sorted < len(moved) {
			if selections == 3 {
				slices.SortFunc(moved[sorted:], cmp)
				sorted = len(moved)
				return
			}
			k := sorted
			for l := k + 1; l < len(moved); l++ {
				if cmp(moved[l], moved[k]) < 0 {
					k = l
				}
			}
			moved[sorted], moved[k] = moved[k], moved[sorted]
			sorted++
			selections++
		}
	}
	c, i, j := 0, 0, 0
	for k := 0; k < len(m.elems) && c == 0; k++ {
		var next Value
		upTo(j)
		if j == len(moved) || i < len(same) && cmp(same[i], moved[j]) < 0 {
			next, i = same[i], i+1
		} else {
			next, j = moved[j], j+1
		}
		c = cmp(next, m.elems[k])
	}
	switch {
	case c > 0:
		return c, nil
	case c == 0:
		return 0, m // the same set: keep the one already built
	}
	upTo(len(moved))
	out := make([]Value, 0, len(x.elems))
	i, j = 0, 0
	for i < len(same) || j < len(moved) {
		if j == len(moved) || i < len(same) && cmp(same[i], moved[j]) < 0 {
			out, i = append(out, same[i]), i+1
		} else {
			out, j = append(out, moved[j]), j+1
		}
	}
	return c, &Set{elems: out}
}

// symmetry is the symmetry group, each permutation as the images of the
// model values it moves, indexed by the model value's ord (nil: fixed).
type symmetry struct {
	perms [][]Value
}

func newSymmetry(group []perm) *symmetry {
	s := &symmetry{}
	for _, p := range group {
		var img []Value
		for name, v := range p {
			o := int(modelVal(name).ord)
			for len(img) <= o {
				img = append(img, nil)
			}
			img[o] = v
		}
		s.perms = append(s.perms, img)
	}
	return s
}

// symCache keeps, per worker, the images of recently permuted values: the
// values a state shares with its predecessor (the messages already sent,
// the variables an action leaves unchanged) are permuted once per
// permutation, not once per successor. An entry holds its value, so a
// value's address is not reused while it is cached.
type symCache struct {
	ents [1 << 16]symEnt
	// cmpSetImage's elements of a set a permutation leaves alone, and the
	// images of the others
	same, moved []Value
}

type symEnt struct {
	v   Value
	pi  int
	img Value
}

// permute is the image of v under permutation pi.
func (s *symmetry) permute(v Value, pi int, sc *symCache) Value {
	switch x := v.(type) {
	case *ModelVal:
		if img := s.perms[pi]; int(x.ord) < len(img) && img[x.ord] != nil {
			return img[x.ord]
		}
		return v
	case *Set, *Tuple, *Rec, *Fcn:
		e := &sc.ents[(hashOf(v)^uint64(pi+1)*0x9e3779b97f4a7c15)>>(64-16)]
		if e.pi == pi && e.v == v {
			return e.img
		}
		img := s.permuteComposite(v, pi, sc)
		*e = symEnt{v: v, pi: pi, img: img}
		return img
	}
	return v
}

func (s *symmetry) permuteComposite(v Value, pi int, sc *symCache) Value {
	switch x := v.(type) {
	case *Set:
		if out := s.permuteElems(x.elems, pi, sc); out != nil {
			return mkSet(out)
		}
	case *Tuple:
		if out := s.permuteElems(x.elems, pi, sc); out != nil {
			return &Tuple{elems: out}
		}
	case *Rec:
		if out := s.permuteElems(x.vals, pi, sc); out != nil {
			return &Rec{names: x.names, vals: out}
		}
	case *Fcn:
		d, r := s.permuteElems(x.dom, pi, sc), s.permuteElems(x.rng, pi, sc)
		switch {
		case d == nil && r == nil:
			return v
		case d == nil:
			return &Fcn{dom: x.dom, rng: r}
		}
		if r == nil {
			r = x.rng
		}
		// a function on a set the permutation maps onto itself (a
		// function of the replicas): same domain, values moved to their
		// argument's image
		out := make([]Value, len(x.dom))
		for i, pd := range d {
			k, ok := setIndex(x.dom, pd)
			if !ok || out[k] != nil {
				return mkFcnUnsorted(d, r)
			}
			out[k] = r[i]
		}
		return &Fcn{dom: x.dom, rng: out}
	}
	return v
}

// permuteElems is the image of each of xs, or nil when the permutation
// moves none: it allocates only once an element changes.
func (s *symmetry) permuteElems(xs []Value, pi int, sc *symCache) []Value {
	var out []Value
	for i, e := range xs {
		pe := s.permute(e, pi, sc)
		if out == nil && pe != e {
			out = make([]Value, len(xs))
			copy(out, xs[:i])
		}
		if out != nil {
			out[i] = pe
		}
	}
	return out
}

// symmetryGroup is the group the permutations generate, without the
// identity, as TLC's MVPerms.permutationSubgroup makes it: the SYMMETRY
// set `Permutations(A) \cup Permutations(B)` stands for every permutation
// that permutes A and B at once (|A|! * |B|! of them). Each permutation
// is a map of the model values it moves.
func symmetryGroup(gens []perm) []perm {
	key := func(p perm) string {
		names := make([]string, 0, len(p))
		for n := range p {
			names = append(names, n)
		}
		sort.Strings(names)
		var b strings.Builder
		for _, n := range names {
			b.WriteString(n)
			b.WriteByte(0)
			b.WriteString(Format(p[n]))
			b.WriteByte(0)
		}
		return b.String()
	}
	// only the values a permutation moves
	moved := func(p perm) perm {
		q := perm{}
		for n, v := range p {
			if mv, ok := v.(*ModelVal); !ok || mv.Name != n {
				q[n] = v
			}
		}
		return q
	}
	seen := map[string]bool{}
	var group []perm
	add := func(p perm) {
		p = moved(p)
		if len(p) == 0 {
			return
		}
		if k := key(p); !seen[k] {
			seen[k] = true
			group = append(group, p)
		}
	}
	for _, g := range gens {
		add(g)
	}
	gs := append([]perm(nil), group...)
	// close under composition with the generators
	for i := 0; i < len(group); i++ {
		for _, g := range gs {
			add(compose(group[i], g))
		}
	}
	return group
}

// compose is p after q.
func compose(p, q perm) perm {
	r := perm{}
	for n, v := range q {
		r[n] = v
		if mv, ok := v.(*ModelVal); ok {
			if w, ok := p[mv.Name]; ok {
				r[n] = w
			}
		}
	}
	for n, v := range p {
		if _, ok := q[n]; !ok {
			r[n] = v
		}
	}
	return r
}
