---- MODULE Stable ----
\* <>[] (eventually always): a ring 0 -> 1 -> 2 -> 0 never settles, so
\* <>[](x = 0) fails with a cycle; it visits 0 infinitely often
\* ([]<>(x = 0) holds), and x = 1 leads to x = 2 (~>).
EXTENDS Naturals
VARIABLE x
Init == x = 0
Next == x' = (x + 1) % 3
Spec == Init /\ [][Next]_x /\ WF_x(Next)
Settles == <>[](x = 0)
Recurs == []<>(x = 0)
Leads == (x = 1) ~> (x = 2)
====
