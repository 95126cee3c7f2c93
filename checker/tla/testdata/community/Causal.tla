---- MODULE Causal ----
\* VectorClocks!CausalOrder; TLC printed Causal.out (tlc -metadir $(mktemp -d) Causal.tla,
\* with CommunityModules.jar on its class path)
EXTENDS VectorClocks, TLC
L1 == [node |-> "a", vc |-> [a |-> 1]]
L2 == [node |-> "b", vc |-> [a |-> 1, b |-> 1]]
L3 == [node |-> "a", vc |-> [a |-> 2, b |-> 1]]
L4 == [node |-> "b", vc |-> [a |-> 2, b |-> 2]]
L5 == [node |-> "c", vc |-> [a |-> 2, c |-> 1]]
Sorted == CausalOrder(<<L4, L5, L2, L3, L1>>, LAMBDA l : l.vc, LAMBDA l : l.node, LAMBDA vc : DOMAIN vc)
ASSUME PrintT(Sorted)
ASSUME PrintT(IsCausalOrder(Sorted, LAMBDA l : l.vc))
====
