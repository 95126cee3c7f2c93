---- MODULE ValueOrder ----
\* TLC's order of values, which decides CHOOSE (the first element that
\* satisfies it) and the order sets print in: model values by their first
\* appearance in the .cfg (S = {zb, za}), before every other value; strings
\* and record fields by their first appearance in the modules (qq before
\* pp); functions by their domains first, then their values. Each choice
\* adds a bit to Bound, so the number of states says which were TLC's.
EXTENDS Naturals, TLC
CONSTANTS S, Nil, zb
VARIABLES y
Choices == <<
    (CHOOSE v \in S : TRUE) = zb,
    (CHOOSE v \in {Nil, 0} : TRUE) = Nil,
    (CHOOSE s \in {"qq", "pp"} : TRUE) = "qq",
    (CHOOSE r \in {[qq |-> 1, pp |-> 2], [qq |-> 2, pp |-> 1]} : TRUE) = [qq |-> 1, pp |-> 2],
    (CHOOSE f \in {(1 :> 2 @@ 3 :> 0), (1 :> 1 @@ 4 :> 0)} : TRUE) = (1 :> 2 @@ 3 :> 0) >>
Bound == LET bit(i) == IF Choices[i] THEN 2^(i-1) ELSE 0
         IN  bit(1) + bit(2) + bit(3) + bit(4) + bit(5)
Init == /\ PrintT(<<S, {Nil, 0}, {"qq", "pp"}, {[qq |-> 1, pp |-> 2], [qq |-> 2, pp |-> 1]}>>)
        /\ y = 0
Next == y < Bound /\ y' = y + 1
Spec == Init /\ [][Next]_y
====
