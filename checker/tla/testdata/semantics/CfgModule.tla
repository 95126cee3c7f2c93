---- MODULE CfgModule ----
EXTENDS Naturals
CONSTANT Step(_, _), Limit, NoneVal
VARIABLE x
I == INSTANCE SemInner
StepImpl(a, b) == b \in {a + 1, a + 3}
Spec == I!Init /\ [][I!Next]_x
Inv == x = NoneVal \/ x \in 0..Limit + 2
====
