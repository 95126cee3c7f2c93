---- MODULE Svg ----
\* SVG's Java overrides; TLC printed Svg.out (tlc -metadir $(mktemp -d) Svg.tla,
\* with CommunityModules.jar on its class path)
EXTENDS SVG, TLC, Naturals
E == Group(<<Rect(1, 2, 3, 4, [fill |-> "red", stroke_width |-> "2"]),
              Text(5, 6, "<<a, b>>", <<>>)>>, <<>>)
ASSUME PrintT(SVGElemToString(E))
ASSUME PrintT([n \in 0..4 |-> NodeOfRingNetwork(10, 10, 5, n, 5)])
====
