package tla

import "testing"

// FuzzLoad checks that semantic analysis never panics.
func FuzzLoad(f *testing.F) {
	f.Add("---- MODULE F ----\nEXTENDS Naturals\nVARIABLE x\nA == x' = x + 1\nB(G(_)) == G(1)\nC == B(LAMBDA y : y)\n====")
	f.Add("---- MODULE F ----\nI == INSTANCE Counter WITH N <- 1\nD == [a |-> 1].a\n====")
	f.Add("---- MODULE F ----\nRECURSIVE R(_)\nR(n) == R(n)\nE == {x \\in {} : x}\n====")
	f.Fuzz(func(t *testing.T, src string) {
		m, err := LoadSource("testdata", "F", src)
		if err == nil && m != nil {
			m.EvalExpr("1")
		}
	})
}

// FuzzConfig checks that the .cfg reader never panics.
func FuzzConfig(f *testing.F) {
	f.Add("CONSTANTS N = 3 R = {a, b} C <- D\nINIT Init NEXT Next\nINVARIANT I\nCHECK_DEADLOCK FALSE")
	f.Add("SPECIFICATION S PROPERTY P SYMMETRY Sym VIEW V CONSTRAINT C ACTION_CONSTRAINT A")
	f.Fuzz(func(t *testing.T, src string) {
		ParseConfig("f.cfg", src)
	})
}
