use strict;
use warnings;

# The object style: $client->multi_party_call($p, $n)->cold_transfer(...), ->member($m)->hold,
# $client->conference_bridge(...)->member(...)->mute, against the simulator.

use FindBin;
use lib "$FindBin::Bin/lib", "$FindBin::Bin/../lib";
use Test::More;

use SimHelper qw(:all);
use Plivo::PHLO;

my @warnings;
$SIG{__WARN__} = sub { push @warnings, @_ };

my $sim = SimHelper->start;
my $client = $sim->client;
my $MPC_PATH = "/v1/phlo/$P/multi_party_call/$N";

sub member_state { $sim->members($_[1] // $N)->{ $_[0] } }

my $mpc = $client->multi_party_call($P, $N);
isa_ok($mpc, 'Plivo::PHLO::MultiPartyCall');
isa_ok($mpc, 'Plivo::PHLO::Node');
is($mpc->phlo_id, $P, 'phlo_id');
is($mpc->node_id, $N, 'node_id');
is($mpc->node_type, 'multi_party_call', 'node_type');
is($mpc->client, $client, 'client');

$sim->reset;
is($sim->requests->{total}, 0, 'making node and member objects sends nothing');
my $m = $mpc->member($CUSTOMER);
isa_ok($m, 'Plivo::PHLO::Member');
is($m->member_id, $CUSTOMER, 'member_id');
is($m->node, $mpc, 'node');
is($sim->requests->{total}, 0, 'still nothing sent');

subtest get => sub {
    my $r = $mpc->get;
    is($r->{node_type}, 'multi_party_call', 'node read');
    is($sim->last_request->{path}, $MPC_PATH, 'GET the node');
};

subtest 'cold_transfer (the seed program)' => sub {
    $sim->reset;
    my $r = $client->multi_party_call($P, $N)->cold_transfer(to => '+14152225555', role => 'agent', trigger_source => $AGENT);
    is($r->{error}, '', 'success');
    is($client->last_status, 201, 'HTTP 201');
    is($sim->last_request->{body},
        '{"action":"cold_transfer","to":"+14152225555","role":"agent","trigger_source":"+14152223333"}', 'body');
    is(member_state($AGENT)->{state}, 'left', 'initiator left');
};

subtest call => sub {
    $sim->reset;
    $mpc->call({ trigger_source => $AGENT, to => 'sip:bob@example.com', role => 'customer' });
    is_deeply(member_state('sip:bob@example.com'), { role => 'customer', state => 'connected' }, 'bob joined');
};

subtest 'warm_transfer then resume_call' => sub {
    $sim->reset;
    $mpc->warm_transfer(trigger_source => $AGENT, to => '+14154447777');
    is(member_state($CUSTOMER)->{state}, 'on_hold', 'customer held');
    $mpc->member($AGENT)->resume_call;
    is(member_state($CUSTOMER)->{state}, 'connected', 'customer back');
};

subtest 'warm_transfer then abort_transfer' => sub {
    $sim->reset;
    $mpc->warm_transfer(trigger_source => $AGENT, to => '+14154447777', role => 'agent');
    $mpc->member($AGENT)->abort_transfer;
    is(member_state('+14154447777')->{state}, 'left', 'target gone');
};

subtest 'member actions' => sub {
    $sim->reset;
    for my $step ([ hold => 'on_hold' ], [ unhold => 'connected' ], [ mute => 'muted' ], [ unmute => 'connected' ]) {
        my ($action, $state) = @$step;
        my $r = $m->$action;
        is($r->{error}, '', "$action succeeded");
        is($sim->last_request->{body}, qq({"action":"$action"}), "$action body");
        is(member_state($CUSTOMER)->{state}, $state, "after $action: $state");
    }
    $m->voicemail_drop;
    is(member_state($CUSTOMER)->{state}, 'left', 'voicemail_drop: left');
    $sim->reset;
    $mpc->member($AGENT)->hangup;
    is(member_state($AGENT)->{state}, 'left', 'hangup: left');
};

subtest 'action by name' => sub {
    $sim->reset;
    $mpc->action('call', trigger_source => $AGENT, to => '+14157778888', role => 'agent');
    is(member_state('+14157778888')->{state}, 'connected', 'node action by name');
    $mpc->member('+14157778888')->action('mute');
    is(member_state('+14157778888')->{state}, 'muted', 'member action by name');
};

subtest 'conference bridge' => sub {
    $sim->reset;
    my $bridge = $client->conference_bridge($P, $C);
    isa_ok($bridge, 'Plivo::PHLO::ConferenceBridge');
    is($bridge->get->{name}, 'Conference Bridge_1', 'get');
    my $b1 = $bridge->member($B1);
    $b1->mute;
    is(member_state($B1, $C)->{state}, 'muted', 'mute');
    is($sim->last_request->{path}, "/v1/phlo/$P/conference_bridge/$C/members/$B1", 'bridge path');
    $b1->unmute;
    is(member_state($B1, $C)->{state}, 'connected', 'unmute');
    $bridge->member($B2)->hangup;
    is(member_state($B2, $C)->{state}, 'left', 'hangup');
    # A bridge does not hold; the request still goes out and the service says no.
    my $e = do { eval { $b1->hold }; $@ };
    isa_ok($e, 'Plivo::PHLO::Error');
    is($e->kind, 'bad_request', 'hold on a bridge: bad_request from the service');
    is($sim->last_request->{path}, "/v1/phlo/$P/conference_bridge/$C/members/$B1", 'sent as a member action');
};

subtest 'objects fail like the flat methods' => sub {
    $sim->reset;
    my $e = do { eval { $client->multi_party_call($P, '00000000-0000-4000-8000-000000000000')->get }; $@ };
    is($e->kind, 'not_found', 'unknown node: not_found');
    $e = do { eval { $mpc->member('+14159990000')->hold }; $@ };
    is($e->kind, 'not_found', 'member not in the call: not_found');
    $e = do { eval { $mpc->cold_transfer(to => '+14152225555') }; $@ };
    is($e->kind, 'invalid_argument', 'missing trigger_source');
    is($e->field, 'trigger_source', 'field named');
};

is_deeply(\@warnings, [], 'no warnings');
done_testing;
