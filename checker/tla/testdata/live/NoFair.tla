---- MODULE NoFair ----
\* Without fairness a behaviour may stutter for ever in its initial state.
EXTENDS Naturals
VARIABLE x
Init == x = 0
Next == x < 2 /\ x' = x + 1
Spec == Init /\ [][Next]_x
Reach == <>(x = 2)
====
