---- MODULE Violate ----
EXTENDS Naturals
VARIABLE x, y
Init == x = 0 /\ y = 0
Step1 == x' = x + 1 /\ y' = y
Step2 == x' = x + 2 /\ y' = y + 1
Next == Step1 \/ Step2
Small == x < 5
====
