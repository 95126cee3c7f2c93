---- MODULE Channel ----
\* A sender pushes numbered messages into a lossy FIFO channel.
EXTENDS Naturals, Sequences
CONSTANTS Max, Cap
VARIABLES sent, chan, got

Init == sent = 0 /\ chan = <<>> /\ got = <<>>

Send == /\ sent < Max
        /\ sent' = sent + 1
        /\ chan' = Append(chan, sent)
        /\ UNCHANGED got
Lose == /\ chan # <<>>
        /\ \E i \in 1..Len(chan) :
             chan' = SubSeq(chan, 1, i - 1) \o SubSeq(chan, i + 1, Len(chan))
        /\ UNCHANGED <<sent, got>>
Recv == /\ chan # <<>>
        /\ got' = Append(got, Head(chan))
        /\ chan' = Tail(chan)
        /\ UNCHANGED sent

Next == Send \/ Lose \/ Recv
Bound == Len(chan) <= Cap
InOrder == \A i, j \in 1..Len(got) : i < j => got[i] < got[j]
====
