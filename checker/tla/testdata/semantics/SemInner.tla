---- MODULE SemInner ----
\* Instantiated by CfgModule: None is replaced by the configuration
\* (None = [SemInner] NoneVal), Step is a constant operator that the
\* configuration overrides with a definition assigning x' through its
\* parameter.
EXTENDS Naturals
CONSTANT Step(_, _), Limit
VARIABLE x
None == CHOOSE v : v \notin 0..Limit
Via(F(_, _)) == F(x, x')
Init == x = None
Next == \/ x = None /\ Step(0, x')
        \/ x # None /\ x < Limit /\ Step(x, x')
        \/ x # None /\ x < Limit /\ Via(Step)
        \/ x # None /\ x >= Limit /\ UNCHANGED x
====
