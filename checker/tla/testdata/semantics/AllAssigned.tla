---- MODULE AllAssigned ----
\* TLC enumerates a disjunction in an action (and in Init) as one state per
\* true disjunct, except once every variable has a value: the remaining
\* conjuncts are then evaluated (Tool's getInitStates/getNextStates of an
\* ActionItemList with all variables assigned). The first conjunct of a
\* conjunction is always enumerated; each instance of a \A is a conjunct.
EXTENDS Naturals
VARIABLES x, y
Init == /\ (1 = 1 \/ 2 = 2)                 \* before any assignment: two states each
        /\ x \in 0..2
        /\ y \in {0, 1}
        /\ (x > 0 \/ y > 0 \/ TRUE)         \* all assigned: tested once
        /\ \A i \in {1, 2} : i > x \/ i <= x
Next == /\ (x < 2 \/ y = 0 \/ TRUE)         \* a guard before the assignments
        /\ x' = (x + 1) % 3
        /\ y' = 1 - y
        /\ (x' = 0 \/ y' = 0 \/ TRUE)       \* after them
        /\ \A i \in {1, 2} : i > x \/ TRUE
Both == \/ x' = x /\ (y' = y \/ y' = y)     \* x' = x first, then y': the disjunction assigns
           /\ (TRUE \/ TRUE)
        \/ (x' = x /\ y' = y) /\ (TRUE \/ TRUE)  \* all assigned before the inner first conjunct ends
Spec == Init /\ [][Next \/ Both]_<<x, y>>
Inv == x \in 0..2 /\ y \in {0, 1}
====
