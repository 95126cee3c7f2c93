package tla

import (
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

// symmetryRep is the smallest of the images of vals under ck.perms (vals
// itself when no image is smaller). The permutation of a variable stops at
// the first variable where an image is already larger than the smallest
// one found so far.
func (ck *checker) symmetryRep(vals []Value) []Value {
	if len(vals) == 0 {
		return vals
	}
	min := vals
	var img []Value
	for _, p := range ck.perms {
		if img == nil {
			img = make([]Value, len(vals))
		}
		c := 0
		for j, v := range vals {
			img[j] = permute(v, p)
			if c == 0 {
				if c = cmp(img[j], min[j]); c > 0 {
					break
				}
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
