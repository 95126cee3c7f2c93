---- MODULE LevelView ----
\* A VIEW with TLCGet("level") (as trace validation specs write it) is the
\* successor's depth: the states repeat, the view keeps them apart.
EXTENDS Naturals, TLC
VARIABLE x
Init == x = 0
Next == x' = (x + 1) % 2 /\ TLCGet("level") < 6
View == <<x, TLCGet("level")>>
====
