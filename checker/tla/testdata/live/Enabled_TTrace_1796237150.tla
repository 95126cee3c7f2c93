---- MODULE Enabled_TTrace_1796237150 ----
EXTENDS Sequences, TLCExt, Toolbox, Enabled_TEConstants, Enabled, Naturals, TLC

_expression ==
    LET Enabled_TEExpression == INSTANCE Enabled_TEExpression
    IN Enabled_TEExpression!expression
----

_trace ==
    LET Enabled_TETrace == INSTANCE Enabled_TETrace
    IN Enabled_TETrace!trace
----

_prop ==
    ~<>[](
        x = (3)
        /\
        done = ({p1, p2})
    )
----

_init ==
    /\ done = _TETrace[1].done
    /\ x = _TETrace[1].x
----

_next ==
    /\ \E i,j \in DOMAIN _TETrace:
        /\ \/ /\ j = i + 1
              /\ i = TLCGet("level")
        /\ done  = _TETrace[i].done
        /\ done' = _TETrace[j].done
        /\ x  = _TETrace[i].x
        /\ x' = _TETrace[j].x

\* Uncomment the ASSUME below to write the states of the error trace
\* to the given file in Json format. Note that you can pass any tuple
\* to `JsonSerialize`. For example, a sub-sequence of _TETrace.
    \* ASSUME
    \*     LET J == INSTANCE Json
    \*         IN J!JsonSerialize("Enabled_TTrace_1796237150.json", _TETrace)

=============================================================================

 Note that you can extract this module `Enabled_TEExpression`
  to a dedicated file to reuse `expression` (the module in the 
  dedicated `Enabled_TEExpression.tla` file takes precedence 
  over the module `Enabled_TEExpression` below).

---- MODULE Enabled_TEExpression ----
EXTENDS Sequences, TLCExt, Toolbox, Enabled_TEConstants, Enabled, Naturals, TLC

expression == 
    [
        \* To hide variables of the `Enabled` spec from the error trace,
        \* remove the variables below.  The trace will be written in the order
        \* of the fields of this record.
        done |-> done
        ,x |-> x
        
        \* Put additional constant-, state-, and action-level expressions here:
        \* ,_stateNumber |-> _TEPosition
        \* ,_doneUnchanged |-> done = done'
        
        \* Format the `done` variable as Json value.
        \* ,_doneJson |->
        \*     LET J == INSTANCE Json
        \*     IN J!ToJson(done)
        
        \* Lastly, you may build expressions over arbitrary sets of states by
        \* leveraging the _TETrace operator.  For example, this is how to
        \* count the number of times a spec variable changed up to the current
        \* state in the trace.
        \* ,_doneModCount |->
        \*     LET F[s \in DOMAIN _TETrace] ==
        \*         IF s = 1 THEN 0
        \*         ELSE IF _TETrace[s].done # _TETrace[s-1].done
        \*             THEN 1 + F[s-1] ELSE F[s-1]
        \*     IN F[_TEPosition - 1]
    ]

=============================================================================



Parsing and semantic processing can take forever if the trace below is long.
 In this case, it is advised to uncomment the module below to deserialize the
 trace from a generated binary file.

\*
\*---- MODULE Enabled_TETrace ----
\*EXTENDS IOUtils, Enabled_TEConstants, Enabled, TLC
\*
\*trace == IODeserialize("Enabled_TTrace_1796237150.bin", TRUE)
\*
\*=============================================================================
\*

---- MODULE Enabled_TETrace ----
EXTENDS Enabled_TEConstants, Enabled, TLC

trace == 
    <<
    ([x |-> 0,done |-> {}]),
    ([x |-> 1,done |-> {}]),
    ([x |-> 1,done |-> {p1}]),
    ([x |-> 2,done |-> {p1}]),
    ([x |-> 2,done |-> {p1, p2}]),
    ([x |-> 3,done |-> {p1, p2}])
    >>
----


=============================================================================

---- MODULE Enabled_TEConstants ----
EXTENDS Enabled

CONSTANTS p1, p2

=============================================================================

---- CONFIG Enabled_TTrace_1796237150 ----
CONSTANTS
    Procs = { p1 , p2 }
    p1 = p1
    p2 = p2

PROPERTY
    _prop

CHECK_DEADLOCK
    \* CHECK_DEADLOCK off because of PROPERTY or INVARIANT above.
    FALSE

INIT
    _init

NEXT
    _next

CONSTANT
    _TETrace <- _trace

ALIAS
    _expression
=============================================================================
\* Generated on Wed Dec 02 18:45:52 UTC 2026