---- MODULE Fairness_TTrace_1796237145 ----
EXTENDS Sequences, TLCExt, Fairness_TEConstants, Toolbox, Naturals, TLC, Fairness

_expression ==
    LET Fairness_TEExpression == INSTANCE Fairness_TEExpression
    IN Fairness_TEExpression!expression
----

_trace ==
    LET Fairness_TETrace == INSTANCE Fairness_TETrace
    IN Fairness_TETrace!trace
----

_prop ==
    ~(([]<>(
            x = (0)
            /\
            y = (1)
    ))/\([]<>(
            x = (0)
            /\
            y = (0)
    )))
----

_init ==
    /\ x = _TETrace[1].x
    /\ y = _TETrace[1].y
----

_next ==
    /\ \E i,j \in DOMAIN _TETrace:
        /\ \/ /\ j = i + 1
              /\ i = TLCGet("level")
           \/ /\ i = _TTraceLassoEnd
              /\ j = _TTraceLassoStart
        /\ x  = _TETrace[i].x
        /\ x' = _TETrace[j].x
        /\ y  = _TETrace[i].y
        /\ y' = _TETrace[j].y

\* Uncomment the ASSUME below to write the states of the error trace
\* to the given file in Json format. Note that you can pass any tuple
\* to `JsonSerialize`. For example, a sub-sequence of _TETrace.
    \* ASSUME
    \*     LET J == INSTANCE Json
    \*         IN J!JsonSerialize("Fairness_TTrace_1796237145.json", _TETrace)


_view ==
    <<x, y, IF TLCGet("level") = _TTraceLassoEnd + 1 THEN _TTraceLassoStart ELSE TLCGet("level")>>
=============================================================================

 Note that you can extract this module `Fairness_TEExpression`
  to a dedicated file to reuse `expression` (the module in the 
  dedicated `Fairness_TEExpression.tla` file takes precedence 
  over the module `Fairness_TEExpression` below).

---- MODULE Fairness_TEExpression ----
EXTENDS Sequences, TLCExt, Fairness_TEConstants, Toolbox, Naturals, TLC, Fairness

expression == 
    [
        \* To hide variables of the `Fairness` spec from the error trace,
        \* remove the variables below.  The trace will be written in the order
        \* of the fields of this record.
        x |-> x
        ,y |-> y
        
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
\*---- MODULE Fairness_TETrace ----
\*EXTENDS IOUtils, Fairness_TEConstants, TLC, Fairness
\*
\*trace == IODeserialize("Fairness_TTrace_1796237145.bin", TRUE)
\*
\*=============================================================================
\*

---- MODULE Fairness_TETrace ----
EXTENDS Fairness_TEConstants, TLC, Fairness

trace == 
    <<
    ([x |-> 0,y |-> 0]),
    ([x |-> 0,y |-> 1])
    >>
----


=============================================================================

---- MODULE Fairness_TEConstants ----
EXTENDS Fairness

CONSTANTS _TTraceLassoStart, _TTraceLassoEnd

=============================================================================

---- CONFIG Fairness_TTrace_1796237145 ----
CONSTANTS
_TTraceLassoStart = 1
_TTraceLassoEnd = 2

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
\* Generated on Wed Dec 02 18:45:46 UTC 2026