---- MODULE Stable_TTrace_1796237152 ----
EXTENDS Sequences, TLCExt, Toolbox, Stable, Naturals, TLC, Stable_TEConstants

_expression ==
    LET Stable_TEExpression == INSTANCE Stable_TEExpression
    IN Stable_TEExpression!expression
----

_trace ==
    LET Stable_TETrace == INSTANCE Stable_TETrace
    IN Stable_TETrace!trace
----

_prop ==
    ~(([]<>(
            x = (2)
    ))/\([]<>(
            x = (0)
    )))
----

_init ==
    /\ x = _TETrace[1].x
----

_next ==
    /\ \E i,j \in DOMAIN _TETrace:
        /\ \/ /\ j = i + 1
              /\ i = TLCGet("level")
           \/ /\ i = _TTraceLassoEnd
              /\ j = _TTraceLassoStart
        /\ x  = _TETrace[i].x
        /\ x' = _TETrace[j].x

\* Uncomment the ASSUME below to write the states of the error trace
\* to the given file in Json format. Note that you can pass any tuple
\* to `JsonSerialize`. For example, a sub-sequence of _TETrace.
    \* ASSUME
    \*     LET J == INSTANCE Json
    \*         IN J!JsonSerialize("Stable_TTrace_1796237152.json", _TETrace)


_view ==
    <<x, IF TLCGet("level") = _TTraceLassoEnd + 1 THEN _TTraceLassoStart ELSE TLCGet("level")>>
=============================================================================

 Note that you can extract this module `Stable_TEExpression`
  to a dedicated file to reuse `expression` (the module in the 
  dedicated `Stable_TEExpression.tla` file takes precedence 
  over the module `Stable_TEExpression` below).

---- MODULE Stable_TEExpression ----
EXTENDS Sequences, TLCExt, Toolbox, Stable, Naturals, TLC, Stable_TEConstants

expression == 
    [
        \* To hide variables of the `Stable` spec from the error trace,
        \* remove the variables below.  The trace will be written in the order
        \* of the fields of this record.
        x |-> x
        
        \* Put additional constant-, state-, and action-level expressions here:
        \* ,_stateNumber |-> _TEPosition
        \* ,_xUnchanged |-> x = x'
        
        \* Format the `x` variable as Json value.
        \* ,_xJson |->
        \*     LET J == INSTANCE Json
        \*     IN J!ToJson(x)
        
        \* Lastly, you may build expressions over arbitrary sets of states by
        \* leveraging the _TETrace operator.  For example, this is how to
        \* count the number of times a spec variable changed up to the current
        \* state in the trace.
        \* ,_xModCount |->
        \*     LET F[s \in DOMAIN _TETrace] ==
        \*         IF s = 1 THEN 0
        \*         ELSE IF _TETrace[s].x # _TETrace[s-1].x
        \*             THEN 1 + F[s-1] ELSE F[s-1]
        \*     IN F[_TEPosition - 1]
    ]

=============================================================================



Parsing and semantic processing can take forever if the trace below is long.
 In this case, it is advised to uncomment the module below to deserialize the
 trace from a generated binary file.

\*
\*---- MODULE Stable_TETrace ----
\*EXTENDS IOUtils, Stable, TLC, Stable_TEConstants
\*
\*trace == IODeserialize("Stable_TTrace_1796237152.bin", TRUE)
\*
\*=============================================================================
\*

---- MODULE Stable_TETrace ----
EXTENDS Stable, TLC, Stable_TEConstants

trace == 
    <<
    ([x |-> 0]),
    ([x |-> 1]),
    ([x |-> 2])
    >>
----


=============================================================================

---- MODULE Stable_TEConstants ----
EXTENDS Stable

CONSTANTS _TTraceLassoStart, _TTraceLassoEnd

=============================================================================

---- CONFIG Stable_TTrace_1796237152 ----
CONSTANTS
_TTraceLassoStart = 1
_TTraceLassoEnd = 3

PROPERTY
    _prop

CHECK_DEADLOCK
    \* CHECK_DEADLOCK off because of PROPERTY or INVARIANT above.
    FALSE

INIT
    _init

NEXT
    _next

VIEW
    _view

CONSTANT
    _TETrace <- _trace

ALIAS
    _expression
=============================================================================
\* Generated on Wed Dec 02 18:45:54 UTC 2026