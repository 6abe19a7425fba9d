use strict;
use warnings;

# Bad input from Perl: undef, references, numbers, odd argument lists, wrong option types, wide
# characters, NUL bytes. Every one is a Plivo::PHLO::Error of kind invalid_argument (or, for a
# number that makes a valid id, a real request); none crashes and none warns.
#
# The first part tries chosen cases one by one. The second is systematic: every
# parameter of every operation, through the generic call, the flat method and the object style,
# with every kind of bad value (undef, each kind of reference and object, integers, floats, Inf,
# NaN, huge numbers, NUL, wide characters, invalid and malformed UTF-8, control characters, long
# strings); every option of the constructor likewise; every method called on the wrong invocant;
# odd and unknown named arguments; unknown operations; and the big ones (8 MiB strings, 100,000
# keys, deep nesting). The number of inputs tried is printed at the end.

use FindBin;
use lib "$FindBin::Bin/lib", "$FindBin::Bin/../lib";
use Test::More;
use Time::HiRes ();

use SimHelper qw(:all);
use Plivo::PHLO;

my @warnings;
$SIG{__WARN__} = sub { push @warnings, @_ };

my $sim = SimHelper->start;
my $client = $sim->client(max_retries => 0);

my $TRIED = 0;    # inputs tried in this file

# $code must die with invalid_argument (naming $field when given) and send nothing.
sub invalid_ok {
    my ($name, $code, $field) = @_;
    $TRIED++;
    $sim->reset;
    my $ok = eval { $code->(); 1 };
    my $e = $@;
    subtest $name => sub {
        ok(!$ok, 'died');
        isa_ok($e, 'Plivo::PHLO::Error') or return diag("got: $e");
        is($e->kind, 'invalid_argument', 'kind invalid_argument');
        is($e->code, 1, 'code 1');
        is($e->field, $field, "field $field") if defined $field;
        is($sim->requests->{total}, 0, 'nothing sent');
    };
    return $e;
}

my $sub = sub { 1 };
my $glob = \*STDOUT;

note 'undef';
invalid_ok('undef phlo_id',              sub { $client->get_phlo(undef) },                      'phlo_id');
invalid_ok('no phlo_id at all',          sub { $client->get_phlo },                             'phlo_id');
invalid_ok('undef node_id',              sub { $client->get_multi_party_call($P, undef) },      'node_id');
invalid_ok('undef member',               sub { $client->mpc_member_hold($P, $N, undef) },       'member_id');
invalid_ok('undef to',                   sub { $client->mpc_cold_transfer($P, $N, to => undef, trigger_source => $AGENT) }, 'to');
invalid_ok('undef node_type',            sub { $client->get_node($P, undef, $N) },              'node_type');
invalid_ok('undef operation',            sub { $client->call(undef, {}) },                      'operation');
invalid_ok('undef id for an object',     sub { $client->multi_party_call(undef, $N) },          'phlo_id');
invalid_ok('undef member for an object', sub { $client->multi_party_call($P, $N)->member(undef) }, 'member_id');
invalid_ok('undef action for a member',  sub { $client->multi_party_call($P, $N)->member($AGENT)->action(undef) }, 'action');

note 'references where strings belong';
for my $ref ([ hash => {} ], [ array => [] ], [ code => $sub ], [ scalar => \'x' ], [ glob => $glob ]) {
    my ($what, $v) = @$ref;
    my $e = invalid_ok("$what ref as phlo_id", sub { $client->get_phlo($v) }, 'phlo_id');
    like($e->message, qr/must be a string/, "$what: says why");
    invalid_ok("$what ref as trigger_source", sub { $client->mpc_call($P, $N, trigger_source => $v, to => $AGENT, role => 'agent') }, 'trigger_source');
    invalid_ok("$what ref as member (object)", sub { $client->multi_party_call($P, $N)->member($v) }, 'member_id');
    invalid_ok("$what ref as auth_token", sub { Plivo::PHLO->new(auth_id => $AUTH_ID, auth_token => $v) }, 'auth_token');
    invalid_ok("$what ref as base_url", sub { Plivo::PHLO->new(base_url => $v) }, 'base_url');
    invalid_ok("$what ref as operation", sub { $client->call($v, {}) }, 'operation');
}
invalid_ok('params not a hash',           sub { $client->call(get_phlo => [$P]) },                   'params');
invalid_ok('params a string',             sub { $client->call(get_phlo => $P) },                     'params');
invalid_ok('payload not an object',       sub { $client->run_phlo($P, [ 1, 2 ]) },                   'payload');
invalid_ok('payload a string',            sub { $client->run_phlo($P, 'from=me') },                  'payload');
invalid_ok('payload holding a code ref',  sub { $client->run_phlo($P, { cb => $sub }) },             'payload');
invalid_ok('payload holding an object',   sub { $client->run_phlo($P, { o => bless({}, 'Some::Class') }) }, 'payload');
invalid_ok('raw body on a GET',           sub { $client->raw(GET => "/v1/phlo/$P", { a => 1 }) },    'body');

note 'objects with string overloading are strings';
{
    package My::Id;
    use overload '""' => sub { ${ $_[0] } }, fallback => 1;
    sub new { my ($c, $v) = @_; bless \$v, $c }
}
$sim->reset;
$TRIED++;
is($client->get_phlo(My::Id->new($P))->{phlo_id}, $P, 'an object with "" overloading is sent as its string');

note 'numbers stringify';
subtest 'a number as phlo id is sent as a string' => sub {
    $sim->reset;
    $TRIED++;
    my $e = do { eval { $client->get_phlo(1234) }; $@ };
    is($e->kind, 'not_found', 'the core accepted "1234" as an id; the service has no such PHLO');
    is($sim->last_request->{path}, '/v1/phlo/1234', 'sent as /v1/phlo/1234');
    $e = invalid_ok('a float is not an id', sub { $client->get_phlo(12.5) }, 'phlo_id');
    like($e->message, qr/phlo_id/, 'the core names the field');
};
subtest 'a number as an address is sent as a JSON string' => sub {
    $sim->reset;
    $TRIED += 2;
    my $to = 14152225555;
    $client->mpc_call($P, $N, trigger_source => $AGENT, to => $to, role => 'agent');
    my $req = $sim->last_request;
    like($req->{body}, qr/"to":"14152225555"/, 'to is a JSON string');
    is($sim->members->{14152225555}{state}, 'connected', 'member joined');
    $sim->reset;
    my $e = do { eval { $client->mpc_member_hold($P, $N, 14153336666) }; $@ };
    is($e->kind, 'not_found', '14153336666 (a number) is not the member +14153336666');
    like($sim->last_request->{path}, qr{/members/14153336666\z}, 'sent as its digits');
};
subtest 'numbers in a payload stay numbers' => sub {
    $sim->reset;
    $TRIED++;
    $client->run_phlo($P, { count => 3, ratio => 0.5, label => '007' });
    is($sim->last_request->{body}, '{"count":3,"label":"007","ratio":0.5}', 'types kept');
};

note 'odd and surplus argument lists';
invalid_ok('odd named list',           sub { $client->mpc_cold_transfer($P, $N, 'to') });
invalid_ok('odd named list (3)',       sub { $client->mpc_call($P, $N, to => $AGENT, 'role') });
invalid_ok('odd list to new',          sub { Plivo::PHLO->new('auth_id') });
invalid_ok('odd list to an object',    sub { $client->multi_party_call($P, $N)->cold_transfer(to => '+14152225555', 'agent') });
invalid_ok('undef argument name',      sub { $client->mpc_call($P, $N, undef, 1) });
invalid_ok('reference as a name',      sub { $client->mpc_call($P, $N, [] => 1) });
invalid_ok('too many positionals',     sub { $client->get_phlo($P, 'extra') });
invalid_ok('too many for a member op', sub { $client->mpc_member_hold($P, $N, $AGENT, 'extra') });
invalid_ok('member action with args',  sub { $client->multi_party_call($P, $N)->member($AGENT)->hold('now') });
invalid_ok('node get with args',       sub { $client->multi_party_call($P, $N)->get('x') });
invalid_ok('one id for a node',        sub { $client->multi_party_call($P) });
invalid_ok('three ids for a node',     sub { $client->conference_bridge($P, $C, 'x') });
invalid_ok('two members',              sub { $client->multi_party_call($P, $N)->member($AGENT, $CUSTOMER) });
invalid_ok('call with extra args',     sub { $client->call(get_phlo => { phlo_id => $P }, 'x') });
invalid_ok('positional given by name', sub { $client->mpc_call($P, $N, phlo_id => $P, to => $AGENT) }, 'phlo_id');
invalid_ok('class method, not object', sub { Plivo::PHLO->get_phlo($P) });

note 'unknown names';
invalid_ok('unknown operation',     sub { $client->call(teleport => {}) },                               'operation');
invalid_ok('unknown parameter',     sub { $client->call(get_phlo => { phlo_id => $P, colour => 'red' }) }, 'colour');
invalid_ok('unknown named arg',     sub { $client->mpc_cold_transfer($P, $N, to => '+14152225555', trigger_source => $AGENT, speed => 'fast') }, 'speed');
invalid_ok('unknown option to new', sub { $sim->client(timeout_secs => 3) },                             'timeout_secs');

note 'option types';
invalid_ok('timeout not a number',     sub { $sim->client(timeout => 'soon') },        'timeout');
invalid_ok('timeout a reference',      sub { $sim->client(timeout => [1]) },           'timeout');
invalid_ok('max_retries not a number', sub { $sim->client(max_retries => 'many') },    'max_retries');
invalid_ok('timeout infinite',         sub { $sim->client(timeout => 9**9**9) },       'timeout');
invalid_ok('timeout NaN',              sub { $sim->client(timeout => -sin(9**9**9)) }, 'timeout');
invalid_ok('negative timeout',         sub { $sim->client(timeout => -1) },            'timeout');
invalid_ok('bad action_retry',         sub { $sim->client(action_retry => 'sometimes') }, 'action_retry');
{
    my $c = $sim->client(timeout => undef, max_retries => undef);
    isa_ok($c, 'Plivo::PHLO', 'undef options mean the defaults');
}

note 'strings C cannot hold, and characters';
invalid_ok('NUL in the operation', sub { $client->call("get_phlo\0evil", { phlo_id => $P }) }, 'operation');
invalid_ok('NUL in auth_token',    sub { Plivo::PHLO->new(auth_id => $AUTH_ID, auth_token => "tok\0en", base_url => $sim->url) }, 'auth_token');
invalid_ok('NUL in an id',         sub { $client->get_phlo("$P\0") }, 'phlo_id');
invalid_ok('wide characters in an address', sub { $client->mpc_member_hold($P, $N, "+1415\x{2603}") }, 'member_id');
subtest 'wide characters round-trip in a payload' => sub {
    $sim->reset;
    $TRIED++;
    my $name = "Zo\x{eb} \x{2603} \x{1F4DE}";
    $client->run_phlo($P, { name => $name });
    is($sim->last_request->{body_json}{name}, $name, 'sent as UTF-8, decoded back the same');
    is($sim->state->{runs}{ (keys %{ $sim->state->{runs} })[0] }{payload}{name}, $name, 'stored by the simulator');
};
subtest 'latin-1 byte strings are characters too' => sub {
    $sim->reset;
    $TRIED++;
    my $v = "caf\xe9";
    $client->run_phlo($P, { v => $v });
    is($sim->last_request->{body_json}{v}, "caf\x{e9}", 'sent as U+00E9');
};

# =============================================================================================
# The systematic part
# =============================================================================================

use Encode ();          # core; only to make a malformed string (Encode::_utf8_on)
use Scalar::Util ();
use overload ();

# A malformed string: the UTF-8 flag on bytes that are not UTF-8.
my $MALFORMED = do { my $s = "ab\xff\xfe"; Encode::_utf8_on($s); $s };
my $RUN = '00000000-0000-4000-8000-000000000000';

# Every kind of bad value, made afresh for each use (so nothing one call does can affect the next).
sub bad_values {
    my $lv = 'abc';
    return (
        [ 'undef'                    => undef ],
        [ 'empty string'             => '' ],
        [ 'scalar ref'               => \'x' ],
        [ 'ref to a ref'             => \\'x' ],
        [ 'array ref'                => [] ],
        [ 'hash ref'                 => {} ],
        [ 'code ref'                 => sub { 1 } ],
        [ 'glob ref'                 => \*STDOUT ],
        [ 'glob'                     => *STDOUT ],
        [ 'IO ref'                   => *STDOUT{IO} ],
        [ 'Regexp'                   => qr/x/ ],
        [ 'LVALUE ref'               => \substr($lv, 1, 1) ],
        [ 'object (hash)'            => bless({}, 'Some::Class') ],
        [ 'object (array)'           => bless([], 'Some::Class') ],
        [ 'object (code)'            => bless(sub { 1 }, 'Some::Class') ],
        [ 'object (scalar)'          => bless(\(my $o = 'x'), 'Some::Class') ],
        [ 'a client object'          => $client ],
        [ 'an error object'          => Plivo::PHLO::Error->new(kind => 'timeout') ],
        [ 'int 0'                    => 0 ],
        [ 'int -1'                   => -1 ],
        [ 'int 42'                   => 42 ],
        [ 'int 2**64-1'              => 18446744073709551615 ],
        [ 'float 1.5'                => 1.5 ],
        [ 'float -0.0'               => -0.0 ],
        [ 'float 1e-300'             => 1e-300 ],
        [ 'huge 1e300'               => 1e300 ],
        [ 'huge 2**64'               => 2**64 ],
        [ 'huge 2**70'               => 2**70 ],
        [ 'Inf'                      => 9**9**9 ],
        [ '-Inf'                     => -9**9**9 ],
        [ 'NaN'                      => -sin(9**9**9) ],
        [ 'NUL inside'               => "a\0b" ],
        [ 'NUL alone'                => "\0" ],
        [ 'wide character'           => "\x{2603}" ],
        [ 'astral character'         => "\x{1F4DE}" ],
        [ 'non-character U+FFFF'     => "\x{FFFF}" ],
        [ 'invalid UTF-8 bytes'      => "\xff\xfe\xc3" ],
        [ 'malformed UTF-8 string'   => $MALFORMED ],
        [ 'control characters'       => "\t\r\n" ],
        [ 'header injection'         => "x\r\nX-Evil: 1" ],
        [ 'dot segments'             => '../../etc/passwd' ],
        [ '4 KiB string'             => 'a' x 4096 ],
    );
}

sub nonfinite {
    my $v = shift;
    return !ref $v && defined $v && !(utf8::is_utf8($v) && !utf8::valid($v)) && Scalar::Util::looks_like_number($v)
      && ($v != $v || $v == 9**9**9 || $v == -9**9**9);
}

# What the parameter kinds are, and a valid value of each parameter.
my %KIND = (phlo_id => 'id', node_id => 'id', run_id => 'id', member_id => 'address', to => 'address',
    trigger_source => 'address', role => 'role', node_type => 'name', action => 'name', method => 'name',
    path => 'name', payload => 'json', body => 'json');

sub valid_params {
    my ($op) = @_;
    my $bridge = $op =~ /^bridge_|conference_bridge/;
    my %v = (phlo_id => $P, node_id => $bridge ? $C : $N, run_id => $RUN, node_type => 'multi_party_call',
        member_id => $bridge ? $B1 : $CUSTOMER, trigger_source => $AGENT, to => '+14152225555', role => 'agent',
        action => $op eq 'node_action' ? 'call' : 'hold', method => 'POST', path => "/v1/phlo/$P/multi_party_call/$N",
        payload => {}, body => {});
    my ($spec) = grep { $_->{name} eq $op } Plivo::PHLO->operations;
    my @names = map { (my $n = $_) =~ s/\?\z//; $n } @{ $spec->{params} || [] }, @{ $spec->{optional} || [] };
    my %optional = map { (my $n = $_) =~ s/\?\z//; ($n => 1) } @{ $spec->{optional} || [] };
    return (\@names, \%optional, { map { $_ => $v{$_} } @names });
}

# What a bad value in a parameter must give: 'invalid' (invalid_argument, nothing sent), 'sent'
# (documented: a number that is a valid id is sent as its string, or a JSON value JSON can carry;
# the service answers) or 'skip' (a valid value: undef for an optional parameter, a hash ref for a
# JSON one).
sub expect_for {
    my ($param, $optional, $v) = @_;
    my $kind = $KIND{$param};
    return $optional ? 'skip' : 'invalid' unless defined $v;
    if ($kind eq 'json') {
        return 'skip' if ref $v eq 'HASH';
        return 'sent' if Scalar::Util::blessed($v) && $v->can('TO_JSON');    # converted, as documented
        return 'invalid' if $param eq 'payload';                             # the core: must be a JSON object
        # raw's body: any value JSON can carry is sent as it is (the service judges it; the
        # simulator answers 400 to anything but an object).
        return 'sent' if ref $v eq 'ARRAY';
        return 'invalid' if ref $v || nonfinite($v) || (utf8::is_utf8($v) && !utf8::valid($v));
        return 'sent';
    }
    return 'sent' if $kind eq 'id' && !ref $v && !nonfinite($v) && !(utf8::is_utf8($v) && !utf8::valid($v))
      && "$v" =~ /\A[A-Za-z0-9-]{1,64}\z/;
    return 'invalid';
}

# Runs one input; returns a description of what went wrong, or nothing. Counts it.
my $SENT = 0;    # inputs expected to reach the simulator since the last reset
sub try_input {
    my ($label, $want, $field, $code) = @_;
    $TRIED++;
    my @w;
    local $SIG{__WARN__} = sub { push @w, $_[0] };
    my $ok = eval { $code->(); 1 };
    my $e = $@;
    return "$label: warned: @w" if @w;
    return "$label: died with something else than a Plivo::PHLO::Error: $e"
      if !$ok && !(Scalar::Util::blessed($e) && $e->isa('Plivo::PHLO::Error'));
    if ($want eq 'invalid') {
        return "$label: did not die" if $ok;
        return "$label: kind " . $e->kind . ': ' . $e->message unless $e->kind eq 'invalid_argument';
        return "$label: code " . $e->code unless $e->code == 1;
        return "$label: field " . ($e->field // 'undef') . ", want $field (" . $e->message . ')'
          if defined $field && ($e->field // '') ne $field;
        my $s = "$e";
        return "$label: string form not one line or without the kind: $s" if $s =~ /[\r\n]/ || $s !~ /\[invalid_argument\]/;
    }
    elsif ($want eq 'sent') {
        $SENT++;
        return "$label: invalid_argument: " . $e->message if !$ok && $e->kind eq 'invalid_argument';
    }
    elsif ($want eq 'ok') {
        return "$label: died: $e" unless $ok;
    }
    elsif ($want ne 'either') {
        return "$label: died with " . ($ok ? 'nothing' : $e->kind) . ", want $want" if $ok || $e->kind ne $want;
    }
    return;
}

# One test for a batch of inputs: all must pass; the first failures are shown.
sub batch_ok {
    my ($name, $n, @fail) = @_;
    ok(!@fail, "$name: $n inputs") or diag(join "\n", @fail[ 0 .. ($#fail < 14 ? $#fail : 14) ], @fail > 15 ? ('... ' . (@fail - 15) . ' more') : ());
}

# The flat method's arguments: the positional parameters, then the named ones (the core's table
# says which) as pairs.
sub flat_args {
    my ($op, $names, $params) = @_;
    my ($spec) = grep { $_->{name} eq $op } Plivo::PHLO->operations;
    my %named = map { $_ => 1 } @{ $spec->{named} };
    return ((map { $params->{$_} } grep { !$named{$_} } @$names), map { ($_ => $params->{$_}) } grep { $named{$_} } @$names);
}

# The object style for an operation, when it has one: a code ref taking the parameters.
sub object_style {
    my ($op) = @_;
    my %named = (mpc_call => 'call', mpc_warm_transfer => 'warm_transfer', mpc_cold_transfer => 'cold_transfer');
    my $rest = sub { my $p = shift; map { ($_ => $p->{$_}) } grep { !/^(?:phlo_id|node_id|action)$/ } @_ };
    return sub { $client->multi_party_call($_[0]{phlo_id}, $_[0]{node_id})->get } if $op eq 'get_multi_party_call';
    return sub { $client->conference_bridge($_[0]{phlo_id}, $_[0]{node_id})->get } if $op eq 'get_conference_bridge';
    if (my $m = $named{$op}) {
        return sub { my $p = shift; $client->multi_party_call($p->{phlo_id}, $p->{node_id})->$m($rest->($p, qw(trigger_source to role))) };
    }
    if ($op eq 'node_action') {
        return sub { my $p = shift; $client->multi_party_call($p->{phlo_id}, $p->{node_id})->action($p->{action}, $rest->($p, qw(trigger_source to role))) };
    }
    if ($op =~ /\A(mpc|bridge)_member_(\w+)\z/) {
        my ($node, $action) = ($1 eq 'mpc' ? 'multi_party_call' : 'conference_bridge', $2);
        return sub { my $p = shift; $client->$node($p->{phlo_id}, $p->{node_id})->member($p->{member_id})->$action };
    }
    if ($op eq 'member_action') {
        return sub { my $p = shift; $client->multi_party_call($p->{phlo_id}, $p->{node_id})->member($p->{member_id})->action($p->{action}) };
    }
    return;
}

note 'systematic: every parameter of every operation, three ways, every kind of bad value';
my $t_matrix = Time::HiRes::time();
for my $spec (Plivo::PHLO->operations) {
    my $op = $spec->{name};
    subtest "bad values in every parameter of $op" => sub {
        $sim->reset;
        $SENT = 0;
        my ($names, $optional, $valid) = valid_params($op);
        my $object = object_style($op);
        my (%n, %fail);
        for my $param (@$names) {
            for my $bad (bad_values()) {
                my ($what, $v) = @$bad;
                my $want = expect_for($param, $optional->{$param}, $v);
                next if $want eq 'skip';
                my %p = (%$valid, $param => $v);
                my $label = "$param = $what";
                for my $style ('call', 'flat', $object && $param ne 'node_type' ? 'object' : ()) {
                    my $code = $style eq 'call' ? sub { $client->call($op, \%p) }
                      : $style eq 'flat' ? sub { $client->$op(flat_args($op, $names, \%p)) }
                      : sub { $object->(\%p) };
                    $n{$style}++;
                    push @{ $fail{$style} }, try_input("$op ($style) $label", $want, $param, $code);
                }
            }
        }
        batch_ok("$op: generic call", $n{call}, grep { defined } @{ $fail{call} });
        batch_ok("$op: flat method", $n{flat}, grep { defined } @{ $fail{flat} });
        batch_ok("$op: object style", $n{object}, grep { defined } @{ $fail{object} }) if $n{object};
        is($sim->requests->{total}, $SENT, "only the documented ones reached the simulator ($SENT: numbers that are valid ids)");
    };
}

subtest 'bad values as the operation name and the parameters of call' => sub {
    $sim->reset;
    my @fail;
    my $n = 0;
    for my $bad (bad_values(), [ 'unknown operation' => 'teleport' ], [ 'upper case' => 'GET_PHLO' ],
        [ 'trailing space' => 'get_phlo ' ], [ 'a method of the module' => 'new' ], [ 'DESTROY' => 'DESTROY' ],
        [ 'a path' => '/v1/phlo' ], [ 'phlo_ prefix' => 'phlo_get_phlo' ])
    {
        my ($what, $v) = @$bad;
        $n++;
        push @fail, try_input("operation = $what", 'invalid', 'operation', sub { $client->call($v, { phlo_id => $P }) });
    }
    for my $bad (grep { ref $_->[1] ne 'HASH' && defined $_->[1] } bad_values()) {
        my ($what, $v) = @$bad;
        $n++;
        push @fail, try_input("params = $what", 'invalid', 'params', sub { $client->call(get_phlo => $v) });
    }
    for my $bad (bad_values()) {    # unknown parameter names carrying any value
        my ($what, $v) = @$bad;
        next unless defined $v;
        $n++;
        push @fail, try_input("unknown parameter = $what", 'invalid', undef, sub { $client->call(get_phlo => { phlo_id => $P, colour => $v }) });
    }
    my @names = ([ empty => '' ], [ space => ' ' ], [ 'upper case' => 'PHLO_ID' ], [ 'trailing space' => 'phlo_id ' ],
        [ NUL => "phlo_id\0" ], [ wide => "\x{2603}" ], [ malformed => $MALFORMED ], [ '4 KiB' => 'x' x 4096 ]);
    for (@names) {
        my ($what, $name) = @$_;
        $n++;
        push @fail, try_input("parameter name: $what", 'invalid', undef, sub { $client->call(get_phlo => { phlo_id => $P, $name => 1 }) });
    }
    batch_ok('call', $n, grep { defined } @fail);
    is($sim->requests->{total}, 0, 'nothing reached the simulator');
};

note 'systematic: every option of the constructor';
{
    # What each option must give for each bad value: 'ok' (a client; nothing sent), 'invalid',
    # 'authentication' (no credentials), or 'either' (the core's own leniency: any proxy string
    # is taken as a host name and fails at the first call, not here). Unlisted values: invalid.
    # A client that was made then makes one call (except with the default base_url, which is
    # production, or a proxy), which must succeed or fail with a typed error other than panic
    # (a u64::MAX max_response_bytes once panicked on every call).
    my %printable = map { $_ => 'ok' } ('int 0', 'int -1', 'int 42', 'int 2**64-1', 'float 1.5', 'float -0.0',
        'float 1e-300', 'huge 1e300', 'huge 2**64', 'huge 2**70', 'dot segments', 'glob', 'an error object', 'empty string');
    my %accept_string = (%printable, map { $_ => 'ok' } 'wide character', 'astral character', 'non-character U+FFFF',
        'invalid UTF-8 bytes', '4 KiB string');
    my %expect = (
        auth_id            => { undef => 'authentication', 'empty string' => 'authentication' },
        # a token is any string up to 512 characters
        auth_token         => { %accept_string, undef => 'authentication', 'empty string' => 'authentication', '4 KiB string' => 'invalid' },
        base_url           => { undef => 'ok' },
        timeout            => { undef => 'ok', 'int 42' => 'ok', 'float 1.5' => 'ok' },
        connect_timeout    => { undef => 'ok', 'int 42' => 'ok', 'float 1.5' => 'ok' },
        # a whole number up to 2**32-1 (the core's count); -0.0 is written "0" by Perl
        max_retries        => { undef => 'ok', 'int 0' => 'ok', 'int 42' => 'ok', 'float -0.0' => 'ok' },
        action_retry       => { undef => 'ok' },
        proxy              => { (map { $_ => 'either' } grep { $_ ne 'empty string' } keys %accept_string), undef => 'ok' },
        ca_cert_pem        => { undef => 'ok' },
        user_agent_suffix  => { %printable, undef => 'ok' },    # at most 256 printable ASCII characters
        max_response_bytes => { undef => 'ok', 'int 42' => 'ok', 'int 2**64-1' => 'ok' },
    );
    subtest 'bad values in every option of new' => sub {
        local @ENV{qw(PLIVO_AUTH_ID PLIVO_AUTH_TOKEN PLIVO_PHLO_BASE_URL)};
        delete @ENV{qw(PLIVO_AUTH_ID PLIVO_AUTH_TOKEN PLIVO_PHLO_BASE_URL)};
        $sim->reset;
        my $calls = 0;
        for my $opt (sort keys %expect) {
            my (@fail, $n);
            for my $bad (bad_values()) {
                my ($what, $v) = @$bad;
                my $want = $expect{$opt}{$what} // 'invalid';
                my %o = (auth_id => $AUTH_ID, auth_token => $TOKEN, base_url => $sim->url, $opt => $v);
                $n++;
                my $c;
                push @fail, try_input("$opt = $what", $want, $want eq 'invalid' ? $opt : undef, sub { $c = Plivo::PHLO->new(%o) });
                next unless $c && $opt ne 'base_url' && $opt ne 'proxy';
                $calls++;
                my $r = eval { $c->get_phlo($P) };
                my $e = $@;
                push @fail, "$opt = $what: the first call died with " . ($e // '')
                  unless $r || (Scalar::Util::blessed($e) && $e->isa('Plivo::PHLO::Error') && $e->kind ne 'panic');
            }
            batch_ok("new($opt => ...)", $n, grep { defined } @fail);
        }
        is($sim->requests->{total}, $calls, "new sends nothing; each of the $calls clients made sent its one call once");
    };
}


note 'systematic: every public method on the wrong invocant';
subtest 'methods called on the class, undef, a plain value or the wrong object' => sub {
    $sim->reset;
    my $mpc    = $client->multi_party_call($P, $N);
    my $member = $mpc->member($CUSTOMER);
    my $error  = Plivo::PHLO::Error->new(kind => 'timeout');
    my @wrong = (
        [ 'undef'            => undef ],
        [ 'empty string'     => '' ],
        [ 'a number'         => 42 ],
        [ 'malformed string' => $MALFORMED ],
        [ 'a hash ref'       => {} ],
        [ 'an array ref'     => [] ],
        [ 'a code ref'       => sub { 1 } ],
        [ 'another object'   => bless({}, 'Some::Class') ],
        [ 'an array object'  => bless([], 'Plivo::PHLO') ],
    );
    my %classes = (
        'Plivo::PHLO' => [ [ $mpc, $member, $error ],
            [ qw(call last_status last_body multi_party_call conference_bridge), map { $_->{name} } Plivo::PHLO->operations ] ],
        'Plivo::PHLO::MultiPartyCall' => [ [ $client, $member, $error ],
            [ qw(get member call warm_transfer cold_transfer action client phlo_id node_id node_type) ] ],
        'Plivo::PHLO::ConferenceBridge' => [ [ $client, $member, $error ], [ qw(get member client phlo_id node_id node_type) ] ],
        'Plivo::PHLO::Member' => [ [ $client, $mpc, $error ],
            [ qw(hold unhold mute unmute hangup resume_call abort_transfer voicemail_drop action node member_id) ] ],
        'Plivo::PHLO::Error' => [ [],
            [ qw(kind message status api_id field code body attempts status_name file line retry_after retry_after_ms is as_string TO_JSON) ] ],
    );
    for my $class (sort keys %classes) {
        my ($objects, $methods) = @{ $classes{$class} };
        my (@fail, $n);
        for my $m (@$methods) {
            my $code = $class->can($m) or do { push @fail, "$class has no method $m"; next };
            for my $inv ([ 'the class name' => $class ], @wrong, map { [ ref($_) . ' object' => $_ ] } @$objects) {
                my ($what, $self) = @$inv;
                $n++;
                push @fail, try_input("$class\::$m on $what", 'invalid', undef, sub { $code->($self, $P, $N, $CUSTOMER) });
            }
        }
        batch_ok("$class methods", $n, grep { defined } @fail);
    }
    is($sim->requests->{total}, 0, 'nothing reached the simulator');
};

subtest 'constructors misused' => sub {
    $sim->reset;
    my $mpc = $client->multi_party_call($P, $N);
    my @cases = (
        [ 'Plivo::PHLO::new as a function, no class' => sub { Plivo::PHLO::new() } ],
        [ 'Plivo::PHLO::new with undef as the class' => sub { Plivo::PHLO::new(undef, auth_id => $AUTH_ID) } ],
        [ 'Plivo::PHLO::new with another class'      => sub { Plivo::PHLO::new('Some::Class', auth_id => $AUTH_ID, auth_token => $TOKEN) } ],
        [ 'Plivo::PHLO::new with a hash ref class'   => sub { Plivo::PHLO::new({}, auth_id => $AUTH_ID, auth_token => $TOKEN) } ],
        [ 'Plivo::PHLO::new with options first'      => sub { Plivo::PHLO::new(auth_id => $AUTH_ID, auth_token => $TOKEN) } ],
        [ 'Plivo::PHLO->new with one hash ref of bad names' => sub { Plivo::PHLO->new({ colour => 'red' }) } ],
        [ 'Plivo::PHLO->new with an undef name'      => sub { Plivo::PHLO->new(undef, 1) } ],
        [ 'Plivo::PHLO->new with a reference name'   => sub { Plivo::PHLO->new([] => 1) } ],
        [ 'Plivo::PHLO->new with a malformed name'   => sub { Plivo::PHLO->new($MALFORMED => 1) } ],
        [ 'Plivo::PHLO->new with odd arguments (3)'  => sub { Plivo::PHLO->new(auth_id => $AUTH_ID, 'auth_token') } ],
        [ 'Node->new without a client'               => sub { Plivo::PHLO::MultiPartyCall->new(undef, 'multi_party_call', $P, $N) } ],
        [ 'Node->new with a string as the client'    => sub { Plivo::PHLO::MultiPartyCall->new('Plivo::PHLO', 'multi_party_call', $P, $N) } ],
        [ 'Node->new with another object as client'  => sub { Plivo::PHLO::MultiPartyCall->new($mpc, 'multi_party_call', $P, $N) } ],
        [ 'Node->new with an unknown node type'      => sub { Plivo::PHLO::MultiPartyCall->new($client, 'teleporter', $P, $N) } ],
        [ 'Node->new with a reference as node type'  => sub { Plivo::PHLO::MultiPartyCall->new($client, [], $P, $N) } ],
        [ 'Node->new with three ids'                 => sub { Plivo::PHLO::MultiPartyCall->new($client, 'multi_party_call', $P, $N, $N) } ],
        [ 'Node->new as a function'                  => sub { Plivo::PHLO::Node::new($client, 'multi_party_call', $P, $N) } ],
        [ 'Member->new without a node'               => sub { Plivo::PHLO::Member->new(undef, $CUSTOMER) } ],
        [ 'Member->new with a client as the node'    => sub { Plivo::PHLO::Member->new($client, $CUSTOMER) } ],
        [ 'Member->new with an undef member'         => sub { Plivo::PHLO::Member->new($mpc, undef) } ],
        [ 'Member->new with a reference member'      => sub { Plivo::PHLO::Member->new($mpc, {}) } ],
        [ 'Member->new with two members'             => sub { Plivo::PHLO::Member->new($mpc, $CUSTOMER, $AGENT) } ],
        [ 'Member->new as a function'                => sub { Plivo::PHLO::Member::new($mpc, $CUSTOMER) } ],
        [ 'Error->new with odd arguments'            => sub { Plivo::PHLO::Error->new('boom') } ],
        [ 'Error->throw with odd arguments'          => sub { Plivo::PHLO::Error->throw(kind => 'timeout', 'message') } ],
        [ 'a hand-made client object, no handle'     => sub { bless({}, 'Plivo::PHLO')->get_phlo($P) } ],
        [ 'a hand-made client, a string handle'      => sub { bless({ pid => $$, handle => 12345 }, 'Plivo::PHLO')->get_phlo($P) } ],
        [ 'a hand-made client, a hash handle'        => sub { bless({ pid => $$, handle => bless({}, 'Some::Class') }, 'Plivo::PHLO')->get_phlo($P) } ],
    );
    my (@fail, $n);
    for (@cases) {
        my ($what, $code) = @$_;
        $n++;
        push @fail, try_input($what, 'invalid', undef, $code);
    }
    batch_ok('constructors', $n, grep { defined } @fail);
    my $again = eval { $client->new(auth_id => $AUTH_ID, auth_token => $TOKEN, base_url => $sim->url) };
    $TRIED++;
    isa_ok($again, 'Plivo::PHLO', '$client->new makes a new client');
    is($sim->requests->{total}, 0, 'nothing reached the simulator');
};

subtest 'named arguments: odd lists, unknown, undef, reference and malformed names' => sub {
    $sim->reset;
    my $mpc = $client->multi_party_call($P, $N);
    my %valid = (trigger_source => $AGENT, to => '+14152225555', role => 'agent');
    my @takers = (
        [ 'mpc_call'                 => sub { $client->mpc_call($P, $N, @_) } ],
        [ 'mpc_warm_transfer'        => sub { $client->mpc_warm_transfer($P, $N, @_) } ],
        [ 'mpc_cold_transfer'        => sub { $client->mpc_cold_transfer($P, $N, @_) } ],
        [ 'node_action'              => sub { $client->node_action($P, $N, 'call', @_) } ],
        [ 'MultiPartyCall->call'     => sub { $mpc->call(@_) } ],
        [ 'MultiPartyCall->warm_transfer' => sub { $mpc->warm_transfer(@_) } ],
        [ 'MultiPartyCall->cold_transfer' => sub { $mpc->cold_transfer(@_) } ],
        [ 'MultiPartyCall->action'   => sub { $mpc->action('call', @_) } ],
        [ 'new'                      => sub { Plivo::PHLO->new(auth_id => $AUTH_ID, auth_token => $TOKEN, base_url => $sim->url, @_) } ],
    );
    my @lists = (
        [ 'one argument'               => [ 'to' ] ],
        [ 'three arguments'            => [ %valid, 'to' ] ],
        [ 'an unknown name'            => [ %valid, colour => 'red' ] ],
        [ 'an empty name'              => [ %valid, '' => 1 ] ],
        [ 'an upper-case name'         => [ %valid, TO => '+14152225555' ] ],
        [ 'a name with a space'        => [ %valid, 'to ' => '+14152225555' ] ],
        [ 'a name with NUL'            => [ %valid, "to\0" => '+14152225555' ] ],
        [ 'a wide-character name'      => [ %valid, "\x{2603}" => 1 ] ],
        [ 'a malformed name'           => [ %valid, $MALFORMED => 1 ] ],
        [ 'an undef name'              => [ %valid, undef, 1 ] ],
        [ 'a reference as a name'      => [ %valid, [] => 1 ] ],
        [ 'an object as a name'        => [ %valid, bless({}, 'Some::Class') => 1 ] ],
        [ 'a hash ref with a bad name' => [ { %valid, colour => 'red' } ] ],
        [ 'two hash refs'              => [ {%valid}, {%valid} ] ],
        [ 'an array ref'               => [ [%valid] ] ],
    );
    my (@fail, $n);
    for my $t (@takers) {
        my ($who, $code) = @$t;
        for my $l (@lists) {
            my ($what, $args) = @$l;
            $n++;
            push @fail, try_input("$who with $what", 'invalid', undef, sub { $code->(@$args) });
        }
    }
    batch_ok('named arguments', $n, grep { defined } @fail);
    is($sim->requests->{total}, 0, 'nothing reached the simulator');
};

note 'the big ones: 8 MiB strings, 100,000 keys, deep nesting';
subtest 'big inputs' => sub {
    my $BIG = 'x' x (8 << 20);
    my %KEYS = map { ("k$_" => $_) } 1 .. 100_000;
    my $nest = sub { my ($n, $arr) = @_; my $v = {}; $v = $arr ? [$v] : { a => $v } for 1 .. $n; $v };
    my $cycle = do { my %h; $h{self} = \%h; \%h };
    my (@fail, $n);
    my $try = sub { my ($what, $want, $field, $code) = @_; $n++; $sim->reset; $SENT = 0;
        my $t = Time::HiRes::time();
        push @fail, try_input($what, $want, $field, $code);
        note(sprintf '%s: %.2f s', $what, Time::HiRes::time() - $t);
        my $total = $sim->requests->{total};
        push @fail, "$what: $total requests reached the simulator, want $SENT" if $total != $SENT;
    };
    $try->('8 MiB phlo_id',        'invalid', 'phlo_id',   sub { $client->get_phlo($BIG) });
    $try->('8 MiB node_id',        'invalid', 'node_id',   sub { $client->get_multi_party_call($P, $BIG) });
    $try->('8 MiB member',         'invalid', 'member_id', sub { $client->mpc_member_hold($P, $N, $BIG) });
    $try->('8 MiB to',             'invalid', 'to',        sub { $client->mpc_call($P, $N, trigger_source => $AGENT, to => $BIG, role => 'agent') });
    $try->('8 MiB role',           'invalid', 'role',      sub { $client->mpc_call($P, $N, trigger_source => $AGENT, to => '+14152225555', role => $BIG) });
    $try->('8 MiB action',         'invalid', 'action',    sub { $client->member_action($P, 'multi_party_call', $N, $CUSTOMER, $BIG) });
    $try->('8 MiB node_type',      'invalid', 'node_type', sub { $client->get_node($P, $BIG, $N) });
    $try->('8 MiB raw path',       'invalid', 'path',      sub { $client->raw(GET => "/v1/$BIG") });
    $try->('8 MiB raw method',     'invalid', 'method',    sub { $client->raw($BIG, "/v1/phlo/$P") });
    $try->('8 MiB operation',      'invalid', 'operation', sub { $client->call($BIG, {}) });
    $try->('8 MiB parameter name', 'invalid', undef,       sub { $client->call(get_phlo => { phlo_id => $P, $BIG => 1 }) });
    $try->('8 MiB option name',    'invalid', undef,       sub { Plivo::PHLO->new(auth_id => $AUTH_ID, auth_token => $TOKEN, $BIG => 1) });
    $try->('8 MiB auth_id',        'invalid', 'auth_id',   sub { Plivo::PHLO->new(auth_id => $BIG, auth_token => $TOKEN) });
    $try->('8 MiB base_url',       'invalid', 'base_url',  sub { Plivo::PHLO->new(auth_id => $AUTH_ID, auth_token => $TOKEN, base_url => $BIG) });
    $try->('8 MiB ca_cert_pem',    'invalid', 'ca_cert_pem', sub { Plivo::PHLO->new(auth_id => $AUTH_ID, auth_token => $TOKEN, ca_cert_pem => $BIG) });
    $try->('8 MiB auth_token',     'invalid', 'auth_token', sub { Plivo::PHLO->new(auth_id => $AUTH_ID, auth_token => $BIG, base_url => $sim->url) });
    $try->('8 MiB user_agent_suffix', 'invalid', 'user_agent_suffix', sub {
        Plivo::PHLO->new(auth_id => $AUTH_ID, auth_token => $TOKEN, base_url => $sim->url, user_agent_suffix => $BIG) });
    # The core takes any proxy string as a host name (reported): accepted or refused, typed.
    $try->('8 MiB proxy',          'either', undef, sub {
        Plivo::PHLO->new(auth_id => $AUTH_ID, auth_token => $TOKEN, base_url => $sim->url, proxy => $BIG) });
    # Documented: a payload is any JSON object; the core puts no limit on it, the service takes it.
    $try->('8 MiB payload value',  'sent', undef, sub { $client->run_phlo($P, { v => $BIG }) });
    $try->('100,000 payload keys', 'sent', undef, sub { $client->run_phlo($P, \%KEYS) });
    $try->('100,000 parameters',   'invalid', undef, sub { $client->call(get_phlo => { phlo_id => $P, %KEYS }) });
    $try->('100,000 named arguments', 'invalid', undef, sub { $client->mpc_call($P, $N, trigger_source => $AGENT, to => '+14152225555', role => 'agent', %KEYS) });
    $try->('100,000 options',      'invalid', undef, sub { Plivo::PHLO->new(auth_id => $AUTH_ID, auth_token => $TOKEN, %KEYS) });
    $try->('payload nested 100 deep',     'sent', undef, sub { $client->run_phlo($P, $nest->(100)) });
    $try->('payload nested 200 deep',     'invalid', undef, sub { $client->run_phlo($P, $nest->(200)) });          # the core's JSON limit (128)
    $try->('payload nested 1,000 deep',   'invalid', 'payload', sub { $client->run_phlo($P, $nest->(1_000)) });    # JSON::PP's limit (512)
    $try->('payload nested 100,000 deep', 'invalid', 'payload', sub { $client->run_phlo($P, $nest->(100_000)) });
    $try->('payload arrays 100,000 deep', 'invalid', 'payload', sub { $client->run_phlo($P, { a => $nest->(100_000, 1) }) });
    $try->('payload that contains itself', 'invalid', 'payload', sub { $client->run_phlo($P, $cycle) });
    $try->('raw body nested 100,000 deep', 'invalid', 'body', sub { $client->raw(POST => "/v1/phlo/$P/multi_party_call/$N", $nest->(100_000)) });
    $try->('payload with Inf inside',     'invalid', 'payload', sub { $client->run_phlo($P, { a => [ 1, { b => 9**9**9 } ] }) });
    $try->('payload with NaN inside',     'invalid', 'payload', sub { $client->run_phlo($P, { a => -sin(9**9**9) }) });
    $try->('payload with a malformed key', 'invalid', 'payload', sub { $client->run_phlo($P, { $MALFORMED => 1 }) });
    $try->('payload with a malformed value deep inside', 'invalid', 'payload', sub { $client->run_phlo($P, { a => [ { b => [$MALFORMED] } ] }) });
    $try->('payload with "Inf" as a string', 'sent', undef, sub { $client->run_phlo($P, { a => 'Inf' }) });
    batch_ok('big inputs', $n, grep { defined } @fail);
    $cycle->{self} = undef;    # break the cycle
};
my $t_all = Time::HiRes::time() - $t_matrix;
note(sprintf 'systematic part: %.1f s', $t_all);

note 'the client still works after all that';
$sim->reset;
is($client->get_phlo($P)->{phlo_id}, $P, 'a good call succeeds');

is_deeply(\@warnings, [], 'no warnings') or diag explain \@warnings;
diag("bad input: $TRIED inputs tried");
done_testing;
