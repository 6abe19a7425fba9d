use strict;
use warnings;

# Bad input from Perl: undef, references, numbers, odd argument lists, wrong option types, wide
# characters, NUL bytes. Every one is a Plivo::PHLO::Error of kind invalid_argument (or, for a
# number that makes a valid id, a real request); none crashes and none warns.

use FindBin;
use lib "$FindBin::Bin/lib", "$FindBin::Bin/../lib";
use Test::More;

use SimHelper qw(:all);
use Plivo::PHLO;

my @warnings;
$SIG{__WARN__} = sub { push @warnings, @_ };

my $sim = SimHelper->start;
my $client = $sim->client(max_retries => 0);

# $code must die with invalid_argument (naming $field when given) and send nothing.
sub invalid_ok {
    my ($name, $code, $field) = @_;
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
is($client->get_phlo(My::Id->new($P))->{phlo_id}, $P, 'an object with "" overloading is sent as its string');

note 'numbers stringify';
subtest 'a number as phlo id is sent as a string' => sub {
    $sim->reset;
    my $e = do { eval { $client->get_phlo(1234) }; $@ };
    is($e->kind, 'not_found', 'the core accepted "1234" as an id; the service has no such PHLO');
    is($sim->last_request->{path}, '/v1/phlo/1234', 'sent as /v1/phlo/1234');
    $e = invalid_ok('a float is not an id', sub { $client->get_phlo(12.5) }, 'phlo_id');
    like($e->message, qr/phlo_id/, 'the core names the field');
};
subtest 'a number as an address is sent as a JSON string' => sub {
    $sim->reset;
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
invalid_ok('negative timeout',         sub { $sim->client(timeout => -1) },            'timeout_ms');
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
    my $name = "Zo\x{eb} \x{2603} \x{1F4DE}";
    $client->run_phlo($P, { name => $name });
    is($sim->last_request->{body_json}{name}, $name, 'sent as UTF-8, decoded back the same');
    is($sim->state->{runs}{ (keys %{ $sim->state->{runs} })[0] }{payload}{name}, $name, 'stored by the simulator');
};
subtest 'latin-1 byte strings are characters too' => sub {
    $sim->reset;
    my $v = "caf\xe9";
    $client->run_phlo($P, { v => $v });
    is($sim->last_request->{body_json}{v}, "caf\x{e9}", 'sent as U+00E9');
};

note 'the client still works after all that';
$sim->reset;
is($client->get_phlo($P)->{phlo_id}, $P, 'a good call succeeds');

is_deeply(\@warnings, [], 'no warnings') or diag explain \@warnings;
done_testing;
