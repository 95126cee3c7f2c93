---- MODULE Peterson ----
\* Peterson's mutual exclusion for processes 0 and 1.
EXTENDS Naturals
VARIABLES pc, flag, turn
vars == <<pc, flag, turn>>
Other(p) == 1 - p

Init == /\ pc = [p \in {0, 1} |-> "idle"]
        /\ flag = [p \in {0, 1} |-> FALSE]
        /\ turn = 0

SetFlag(p) == /\ pc[p] = "idle"
              /\ flag' = [flag EXCEPT ![p] = TRUE]
              /\ pc' = [pc EXCEPT ![p] = "turn"]
              /\ UNCHANGED turn
SetTurn(p) == /\ pc[p] = "turn"
              /\ turn' = Other(p)
              /\ pc' = [pc EXCEPT ![p] = "wait"]
              /\ UNCHANGED flag
Enter(p) == /\ pc[p] = "wait"
            /\ \/ flag[Other(p)] = FALSE
               \/ turn = p
            /\ pc' = [pc EXCEPT ![p] = "cs"]
            /\ UNCHANGED <<flag, turn>>
Exit(p) == /\ pc[p] = "cs"
           /\ pc' = [pc EXCEPT ![p] = "idle"]
           /\ flag' = [flag EXCEPT ![p] = FALSE]
           /\ UNCHANGED turn

Next == \E p \in {0, 1} : SetFlag(p) \/ SetTurn(p) \/ Enter(p) \/ Exit(p)
Spec == Init /\ [][Next]_vars /\ \A p \in {0, 1} : WF_vars(Next)

MutualExclusion == ~(pc[0] = "cs" /\ pc[1] = "cs")
\* An action property: a process only enters from "wait".
EnterFromWait == [][\A p \in {0, 1} : pc'[p] = "cs" /\ pc[p] # "cs" => pc[p] = "wait"]_vars
====
