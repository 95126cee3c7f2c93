---- MODULE Enabled ----
\* A counter that stops at 3: Inc is eventually never enabled, so
\* <>[]~ENABLED Inc holds and []<>ENABLED Inc fails; each process p of
\* Procs is fair, so every one of them eventually finishes (ENABLED under \A).
EXTENDS Naturals
CONSTANT Procs
VARIABLES x, done
vars == <<x, done>>
Init == x = 0 /\ done = {}
Inc == x < 3 /\ x' = x + 1 /\ UNCHANGED done
Finish(p) == p \notin done /\ done' = done \cup {p} /\ UNCHANGED x
Next == Inc \/ \E p \in Procs : Finish(p)
Spec == Init /\ [][Next]_vars /\ WF_vars(Inc) /\ \A p \in Procs : WF_vars(Finish(p))
Stops == <>[](~ENABLED Inc)
AllFinish == \A p \in Procs : <>(p \in done)
IncForever == []<>(ENABLED Inc)
====
