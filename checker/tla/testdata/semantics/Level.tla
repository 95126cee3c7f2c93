---- MODULE Level ----
\* TLCGet("level") as TLC gives it: in Next, in an action constraint and in
\* an action property, the depth of the state being expanded (the initial
\* states are at depth 1); in an invariant and a state constraint, the depth
\* of the state being checked, the successor's.
EXTENDS Naturals, TLC
VARIABLE x
Init == x = 0
Next == x' = TLCGet("level")
Inv == x = TLCGet("level") - 1
Con == TLCGet("level") <= 4
ACon == TLCGet("level") = x + 1
Prop == [][TLCGet("level") = x + 1]_x
====
