---- MODULE IncrSub ----
\* instantiated by incr_test.go (TestIncrementalChangedVariable)
EXTENDS Naturals
CONSTANT a
Small == a < 5
====
