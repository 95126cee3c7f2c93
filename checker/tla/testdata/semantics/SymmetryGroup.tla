---- MODULE SymmetryGroup ----
\* TLC reduces by the group the SYMMETRY set generates
\* (MVPerms.permutationSubgroup): Permutations(A) \cup Permutations(B)
\* also maps <<a1, b1>> to <<a2, b2>>, which no element of the union does.
\* With the union alone the four initial states are two orbits; with the
\* group, one. Under the group the state that stands for an orbit is its
\* smallest image (variables in order, TLC's order of values), here
\* <<a1, b1>>, whose successors are then the ones explored.
EXTENDS Naturals, TLC
CONSTANTS A, B, a1, b1
VARIABLES x, y, n
Sym == Permutations(A) \cup Permutations(B)
Init == x \in A /\ y \in B /\ n = 0
Next == /\ n < 2
        /\ n' = n + 1
        /\ IF x = a1 /\ y = b1 THEN x' \in A /\ y' = y ELSE UNCHANGED <<x, y>>
Spec == Init /\ [][Next]_<<x, y, n>>
====
