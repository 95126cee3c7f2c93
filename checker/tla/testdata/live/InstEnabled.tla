---- MODULE InstEnabled ----
\* ENABLED of an instantiated module quantifies over the primed values of
\* that module's variables, not over those of the expression substituted:
\* WF_s(Inc) of I!Spec asks for some s', with s <- a + b.
EXTENDS Naturals
VARIABLES a, b
Init == a = 0 /\ b = 0
Next == UNCHANGED <<a, b>>
Unsat == INSTANCE InstEnabledUnsat WITH s <- a + b
Sat == INSTANCE InstEnabledSat WITH s <- a + b
UnsatSpec == Unsat!Spec
SatSpec == Sat!Spec
====
