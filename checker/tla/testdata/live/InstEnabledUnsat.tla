---- MODULE InstEnabledUnsat ----
EXTENDS Naturals
VARIABLE s
Inc == s' = s + 1 /\ s' = s + 2
Spec == s = 0 /\ [][Inc]_s /\ WF_s(Inc)
====
