---- MODULE IncrSub ----
\* instantiated by incr_test.go (TestIncrementalChangedVariable)
EXTENDS Naturals
VARIABLE a \* a VARIABLE: SANY refuses a CONSTANT substituted by a variable
Small == a < 5
====
