---- MODULE Alias ----
EXTENDS Naturals, TLC
VARIABLE x, y
Init == x = 0 /\ y = 0
Next == x' = x + 1 /\ y' = y + 2
Small == x < 3
Alias == [zeta |-> x + y, alpha |-> x, next |-> x', lvl |-> TLCGet("level")]
====
