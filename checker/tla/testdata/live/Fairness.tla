---- MODULE Fairness ----
\* Inc is enabled only while y = 1, and Toggle keeps flipping y: Inc is
\* enabled infinitely often but never continuously. Weak fairness of Inc
\* does not force it (Prop fails); strong fairness does (Prop holds).
EXTENDS Naturals
VARIABLES x, y
vars == <<x, y>>
Init == x = 0 /\ y = 0
Toggle == y' = 1 - y /\ x' = x
Inc == y = 1 /\ x = 0 /\ x' = 1 /\ y' = y
Next == Toggle \/ Inc
SpecWF == Init /\ [][Next]_vars /\ WF_vars(Toggle) /\ WF_vars(Inc)
SpecSF == Init /\ [][Next]_vars /\ WF_vars(Toggle) /\ SF_vars(Inc)
Prop == <>(x = 1)
====
