use strict;
use warnings;

# Every operation of the core, through its flat method, against the simulator: the result, the
# request the simulator received, and the call state it ended in.

use FindBin;
use lib "$FindBin::Bin/lib", "$FindBin::Bin/../lib";
use Test::More;
use JSON::PP ();

use SimHelper qw(:all);
use Plivo::PHLO;

my @warnings;
$SIG{__WARN__} = sub { push @warnings, @_ };

# Record which operations reach libphlo (through either generic call of the C ABI: JSON
# parameters or string pairs), to prove every one of the core's is tested.
my %called;
for my $f (qw(client_call client_call_strings)) {
    no strict 'refs';
    no warnings 'redefine';
    my $orig = \&{"Plivo::PHLO::FFI::$f"};
    *{"Plivo::PHLO::FFI::$f"} = sub { $called{ $_[1] }++; goto &$orig };
}

my $sim = SimHelper->start;
my $client = $sim->client;
my $UUID = qr/\A[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\z/;
my $MPC_PATH = "/v1/phlo/$P/multi_party_call/$N";

# Runs $code after a reset; returns the result and the one request the simulator logged.
sub fresh {
    my ($code) = @_;
    $sim->reset;
    my $r = $code->();
    my $log = $sim->requests;
    is($log->{total}, 1, 'exactly one request sent');
    return ($r, $sim->last_request);
}

sub member_state { $sim->members($_[1] // $N)->{ $_[0] } }

subtest get_phlo => sub {
    my ($r, $req) = fresh(sub { $client->get_phlo($P) });
    is($r->{phlo_id}, $P, 'phlo_id');
    is($r->{name}, 'support line', 'name');
    like($r->{api_id}, $UUID, 'api_id is a UUID');
    like($r->{created_on}, qr/\A\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00:00\z/, 'created_on');
    is($client->last_status, 200, 'HTTP 200');
    is_deeply([ @{$req}{qw(method path)} ], [ GET => "/v1/phlo/$P" ], 'GET /v1/phlo/{P}');
    is($req->{headers}{authorization}, 'Basic TUFYWFhYWFhYWFhYWFhYWFhYWFg6dG9rZW4xMjM=', 'basic auth');
    like($req->{headers}{'user-agent'}, qr{\Aplivo-phlo/\Q$Plivo::PHLO::VERSION\E \(Perl: 5\.\d+\.\d+\)\z}, 'User-Agent names Perl');
    is(JSON::PP->new->decode($client->last_body)->{api_id}, $r->{api_id}, 'last_body is the JSON text');
};

subtest 'run_phlo without payload' => sub {
    my ($r, $req) = fresh(sub { $client->run_phlo($P) });
    is($client->last_status, 201, 'HTTP 201');
    is($r->{phlo_id}, $P, 'phlo_id');
    like($r->{api_id}, $UUID, 'api_id (the run id)');
    like($r->{message}, qr/^stopped\./, 'a stopped message is still a success');
    is_deeply([ @{$req}{qw(method path body)} ], [ POST => "/v1/account/$AUTH_ID/phlo/$P", '{}' ], 'POST with {}');
    ok($sim->state->{runs}{ $r->{api_id} }, 'the simulator stored the run');
};

my $run_id;
subtest 'run_phlo with payload' => sub {
    my $payload = { from => '+14150001111', to => '+14150002222', ticket => 1234, vip => JSON::PP::true, skip => undef };
    my ($r, $req) = fresh(sub { $client->run_phlo($P, $payload) });
    is($client->last_status, 201, 'HTTP 201');
    $run_id = $r->{phlo_run_id} || $r->{api_id};
    like($run_id, $UUID, 'run id');
    is_deeply($req->{body_json}, { from => '+14150001111', to => '+14150002222', ticket => 1234, vip => JSON::PP::true },
        'payload sent as JSON: numbers and booleans keep their types, undef dropped');
    like($req->{body}, qr/"ticket":1234/, 'ticket is a JSON number');
    is_deeply($sim->state->{runs}{$run_id}{payload}, $req->{body_json}, 'simulator stored the payload');
    is_deeply($sim->members,
        { '+14150001111' => { role => 'customer', state => 'connected' }, '+14150002222' => { role => 'agent', state => 'connected' } },
        'the run opened a call with from (customer) and to (agent)');
    ok(exists $payload->{skip}, "caller's payload hash is left untouched");
};

subtest get_phlo_run => sub {
    my $r = $client->get_phlo_run($P, $run_id);
    is($client->last_status, 200, 'HTTP 200');
    is($r->{run_id}, $run_id, 'run_id');
    is($r->{phlo_id}, $P, 'phlo_id');
    is(ref $r->{call_uuids}, 'ARRAY', 'call_uuids is an array');
    is(scalar @{ $r->{call_uuids} }, 2, 'two calls');
    is($sim->last_request->{path}, "/v1/phlo/$P/runs/$run_id", 'GET /v1/phlo/{P}/runs/{R}');
};

subtest get_node => sub {
    my ($r, $req) = fresh(sub { $client->get_node($P, 'multi_party_call', $N) });
    is_deeply([ @{$r}{qw(node_id phlo_id name node_type)} ], [ $N, $P, 'Multi-Party Call_1', 'multi_party_call' ], 'node fields');
    is($req->{path}, $MPC_PATH, 'path');
    my $b = $client->get_node($P, 'conference_bridge', $C);
    is($b->{node_type}, 'conference_bridge', 'bridge by get_node');
};

subtest get_multi_party_call => sub {
    my ($r, $req) = fresh(sub { $client->get_multi_party_call($P, $N) });
    is($r->{name}, 'Multi-Party Call_1', 'name');
    is($r->{node_type}, 'multi_party_call', 'node_type');
    is($req->{method}, 'GET', 'GET');
    is($req->{path}, $MPC_PATH, 'path');
};

subtest get_conference_bridge => sub {
    my ($r, $req) = fresh(sub { $client->get_conference_bridge($P, $C) });
    is($r->{name}, 'Conference Bridge_1', 'name');
    is($r->{node_type}, 'conference_bridge', 'node_type');
    is($req->{path}, "/v1/phlo/$P/conference_bridge/$C", 'path');
};

subtest mpc_call => sub {
    my ($r, $req) = fresh(sub {
        $client->mpc_call($P, $N, trigger_source => $AGENT, to => 'sip:alice@example.com', role => 'customer');
    });
    is($client->last_status, 201, 'HTTP 201');
    is($r->{error}, '', 'error is ""');
    like($r->{api_id}, $UUID, 'api_id');
    is($req->{body}, '{"action":"call","to":"sip:alice@example.com","role":"customer","trigger_source":"+14152223333"}',
        'canonical body, byte for byte');
    is_deeply(member_state('sip:alice@example.com'), { role => 'customer', state => 'connected' }, 'alice joined');
};

subtest mpc_warm_transfer => sub {
    my ($r, $req) = fresh(sub { $client->mpc_warm_transfer($P, $N, trigger_source => $AGENT, to => '+14154447777') });
    is($r->{error}, '', 'success');
    is($req->{body}, '{"action":"warm_transfer","to":"+14154447777","role":"agent","trigger_source":"+14152223333"}',
        'role defaults to agent');
    my $node = $sim->node($N);
    is($node->{members}{$CUSTOMER}{state}, 'on_hold', 'customer waits on hold');
    is($node->{members}{'+14154447777'}{state}, 'consulting', 'target consulting');
    ok($node->{pending_transfer}, 'transfer pending');
};

subtest mpc_member_resume_call => sub {
    $sim->reset;
    $client->mpc_warm_transfer($P, $N, trigger_source => $AGENT, to => '+14154447777');
    my $r = $client->mpc_member_resume_call($P, $N, $AGENT);
    is($r->{error}, '', 'success');
    my $req = $sim->last_request;
    is($req->{path}, "$MPC_PATH/members/$AGENT", 'member path keeps the +');
    is($req->{body}, '{"action":"resume_call"}', 'body');
    my $node = $sim->node($N);
    is($node->{members}{$CUSTOMER}{state}, 'connected', 'customer back');
    ok(!$node->{pending_transfer}, 'transfer complete');
};

subtest mpc_member_abort_transfer => sub {
    $sim->reset;
    $client->mpc_warm_transfer($P, $N, trigger_source => $AGENT, to => '+14154447777');
    my $r = $client->mpc_member_abort_transfer($P, $N, $AGENT);
    is($r->{error}, '', 'success');
    is($sim->last_request->{body}, '{"action":"abort_transfer"}', 'body');
    my $node = $sim->node($N);
    is($node->{members}{'+14154447777'}{state}, 'left', 'target left');
    is($node->{members}{$CUSTOMER}{state}, 'connected', 'customer back');
    ok(!$node->{pending_transfer}, 'no transfer pending');
};

subtest mpc_cold_transfer => sub {
    my ($r, $req) = fresh(sub {
        $client->mpc_cold_transfer($P, $N, to => '+14152225555', role => 'agent', trigger_source => $AGENT);
    });
    is($client->last_status, 201, 'HTTP 201');
    is($req->{body}, '{"action":"cold_transfer","to":"+14152225555","role":"agent","trigger_source":"+14152223333"}',
        'the seed request, byte for byte');
    is(member_state($AGENT)->{state}, 'left', 'initiator left');
    is_deeply(member_state('+14152225555'), { role => 'agent', state => 'connected' }, 'target connected');
};

# hold/unhold/mute/unmute: one state change each, checked in the simulator.
for my $case ([ hold => 'on_hold' ], [ unhold => 'connected', 'hold' ], [ mute => 'muted' ], [ unmute => 'connected', 'mute' ]) {
    my ($action, $state, $before) = @$case;
    subtest "mpc_member_$action" => sub {
        $sim->reset;
        $client->can("mpc_member_$before")->($client, $P, $N, $CUSTOMER) if $before;
        my $r = $client->can("mpc_member_$action")->($client, $P, $N, $CUSTOMER);
        is($r->{error}, '', 'success');
        is($client->last_status, 201, 'HTTP 201');
        my $req = $sim->last_request;
        is($req->{path}, "$MPC_PATH/members/$CUSTOMER", 'path');
        is($req->{body}, qq({"action":"$action"}), 'body');
        is(member_state($CUSTOMER)->{state}, $state, "member is $state");
    };
}

subtest mpc_member_voicemail_drop => sub {
    my ($r) = fresh(sub { $client->mpc_member_voicemail_drop($P, $N, $CUSTOMER) });
    is($r->{error}, '', 'success');
    is(member_state($CUSTOMER)->{state}, 'left', 'customer dropped');
};

subtest mpc_member_hangup => sub {
    $sim->reset;
    $client->mpc_call($P, $N, trigger_source => $AGENT, to => 'sip:alice@example.com', role => 'customer');
    my $r = $client->mpc_member_hangup($P, $N, 'sip:alice@example.com');
    is($r->{error}, '', 'success');
    is($sim->last_request->{path}, "$MPC_PATH/members/sip:alice\@example.com", 'SIP URI unescaped in the path');
    is(member_state('sip:alice@example.com')->{state}, 'left', 'alice left');
    ok($sim->node($N)->{call_active}, 'call still active with two members');
};

for my $case ([ mute => 'muted' ], [ unmute => 'connected', 'mute' ], [ hangup => 'left' ]) {
    my ($action, $state, $before) = @$case;
    subtest "bridge_member_$action" => sub {
        $sim->reset;
        $client->can("bridge_member_$before")->($client, $P, $C, $B1) if $before;
        my $r = $client->can("bridge_member_$action")->($client, $P, $C, $B1);
        is($r->{error}, '', 'success');
        my $req = $sim->last_request;
        is($req->{path}, "/v1/phlo/$P/conference_bridge/$C/members/$B1", 'path');
        is($req->{body}, qq({"action":"$action"}), 'body');
        is(member_state($B1, $C)->{state}, $state, "bridge member is $state");
    };
}

subtest node_action => sub {
    my ($r, $req) = fresh(sub {
        $client->node_action($P, $N, 'cold_transfer', trigger_source => $AGENT, to => '+14152225555');
    });
    is($r->{error}, '', 'success');
    is($req->{body}, '{"action":"cold_transfer","to":"+14152225555","trigger_source":"+14152223333"}',
        'role omitted when not given');
    is(member_state('+14152225555')->{state}, 'connected', 'target joined');
    ($r, $req) = fresh(sub {
        $client->node_action($P, $N, 'call', { trigger_source => $AGENT, to => '+14157778888', role => 'supervisor' });
    });
    is($req->{body}, '{"action":"call","to":"+14157778888","role":"supervisor","trigger_source":"+14152223333"}',
        'named arguments as one hash reference');
    is(member_state('+14157778888')->{role}, 'supervisor', 'supervisor joined');
};

subtest member_action => sub {
    my ($r, $req) = fresh(sub { $client->member_action($P, 'multi_party_call', $N, $CUSTOMER, 'hold') });
    is($r->{error}, '', 'success');
    is($req->{path}, "$MPC_PATH/members/$CUSTOMER", 'path');
    is(member_state($CUSTOMER)->{state}, 'on_hold', 'held');
    ($r, $req) = fresh(sub { $client->member_action($P, 'conference_bridge', $C, $B2, 'mute') });
    is($req->{path}, "/v1/phlo/$P/conference_bridge/$C/members/$B2", 'bridge path');
    is(member_state($B2, $C)->{state}, 'muted', 'bridge member muted');
};

subtest raw => sub {
    my ($r, $req) = fresh(sub { $client->raw(GET => "/v1/phlo/$P") });
    is($r->{name}, 'support line', 'raw GET');
    is($req->{body}, '', 'GET carries no body');
    ($r, $req) = fresh(sub { $client->raw(POST => "$MPC_PATH/members/$CUSTOMER", { action => 'mute' }) });
    is($r->{error}, '', 'raw POST');
    is($req->{body}, '{"action":"mute"}', 'raw body');
    is(member_state($CUSTOMER)->{state}, 'muted', 'muted by raw request');
};

subtest 'generic call' => sub {
    my ($r, $req) = fresh(sub { $client->call(mpc_member_hold => { phlo_id => $P, node_id => $N, member_id => $CUSTOMER }) });
    is($r->{error}, '', 'call by name');
    is(member_state($CUSTOMER)->{state}, 'on_hold', 'held');
};

subtest 'every other operation of the core reaches the service through its method' => sub {
    # The operations above are checked for what they do; one the core gains later is a method
    # here already, made from the table: called with valid arguments (by parameter name), it must
    # reach the simulator, which answers (whatever the answer), and nothing may be refused first.
    my %valid = (phlo_id => $P, node_id => $N, run_id => $P, node_type => 'multi_party_call',
        member_id => $CUSTOMER, trigger_source => $AGENT, to => '+14152225555', role => 'agent',
        action => 'hold', method => 'GET', path => "/v1/phlo/$P");
    my @rest = grep { !$called{ $_->{name} } } Plivo::PHLO->operations;
    pass('every operation of the core was exercised above') unless @rest;
    for my $spec (@rest) {
        my $op = $spec->{name};
        my %named = map { $_ => 1 } @{ $spec->{named} };
        my @args = grep { defined } map { $named{$_} ? () : $valid{$_} } @{ $spec->{params} };
        push @args, map { ($_ => $valid{$_}) } grep { $named{$_} } @{ $spec->{params} };
        $sim->reset;
        my $e = do { eval { $client->$op(@args) }; $@ };
        ok(!ref $e || $e->kind ne 'invalid_argument', "$op: not refused before the network")
          or diag("$e");
        is($sim->requests->{total}, 1, "$op: one request reached the simulator");
        ok($called{$op}, "$op was called");
    }
};

subtest 'credentials and base URL from the environment' => sub {
    local $ENV{PLIVO_AUTH_ID}       = $AUTH_ID;
    local $ENV{PLIVO_AUTH_TOKEN}    = $TOKEN;
    local $ENV{PLIVO_PHLO_BASE_URL} = $sim->url;
    my $c = Plivo::PHLO->new;
    is($c->get_phlo($P)->{phlo_id}, $P, 'works with no arguments');
};

subtest 'retries are the core\'s: a 503 on a GET is retried' => sub {
    $sim->reset;
    $sim->fault({ kind => 'status', status => 503, count => 1 });
    my $r = $client->get_phlo($P);
    is($r->{phlo_id}, $P, 'succeeded after the retry');
    is($sim->requests->{total}, 2, 'two requests');
};

is_deeply(\@warnings, [], 'no warnings');
done_testing;
