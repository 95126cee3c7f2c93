---- MODULE InstEnabledSat ----
EXTENDS Naturals
VARIABLE s
Inc == /\ UNCHANGED s \/ s' \in {s + 1, s + 2}
       /\ s' # s
Spec == s = 0 /\ [][Inc]_s /\ WF_s(Inc)
====
