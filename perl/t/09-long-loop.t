use strict;
use warnings;

# The long loop: 100,000 calls on one client, with the process's resident memory flat
# after warm-up (VmRSS from /proc/self/status, growth under 4 MiB between call 10,000 and call
# 100,000) and every result accounted for.
#
# A real call against the debug builds the suite uses costs 0.7 to 1.5 ms of wall time on the
# 2-core machine (the simulator and libphlo are unoptimised; ~0.5 ms of CPU is in libphlo's debug
# build alone), so 100,000 real calls would take two minutes. The loop therefore makes every
# fifth call a real one (20,000: success and error answers, reads and actions, flat methods,
# the generic call and the object style) and the other four invalid-argument calls (80,000),
# most of which cross the FFI and come back as a core error record that is allocated, read,
# freed and turned into a Plivo::PHLO::Error like any other (~0.06 ms each).
# PHLO_LONG_LOOP_REAL=1 makes all 100,000 calls real.

use FindBin;
use lib "$FindBin::Bin/lib", "$FindBin::Bin/../lib";
use Test::More;
use Time::HiRes ();

use SimHelper qw(:all);
use Plivo::PHLO;

plan skip_all => 'needs /proc/self/status' unless defined rss_kb();

my @warnings;
$SIG{__WARN__} = sub { push @warnings, @_ };

my $CALLS     = 100_000;
my $WARMUP    = 10_000;
my $BOUND_KB  = 4096;
my $ALL_REAL  = $ENV{PHLO_LONG_LOOP_REAL};
my $MISSING   = '00000000-0000-4000-8000-000000000000';

my $sim = SimHelper->start;
my $client = $sim->client(max_retries => 0);
my $mpc = $client->multi_party_call($P, $N);

# Each entry: [ what, expected outcome (ok or an error kind), crosses the network, code ].
my @real = (
    [ 'get_phlo',                      'ok',        1, sub { $client->get_phlo($P) } ],
    [ 'mpc_member_mute',               'ok',        1, sub { $client->mpc_member_mute($P, $N, $CUSTOMER) } ],
    [ 'get_phlo of a missing PHLO',    'not_found', 1, sub { $client->get_phlo($MISSING) } ],
    [ 'member unmute (object style)',  'ok',        1, sub { $mpc->member($CUSTOMER)->unmute } ],
    [ 'bridge_member_mute',            'ok',        1, sub { $client->call(bridge_member_mute => { phlo_id => $P, node_id => $C, member_id => $B1 }) } ],
);
my @invalid = (
    [ 'bad phlo id (core)',            'invalid_argument', 0, sub { $client->get_phlo('bad id!') } ],
    [ 'bad address (core)',            'invalid_argument', 0, sub { $client->mpc_cold_transfer($P, $N, to => 'nobody', trigger_source => $AGENT) } ],
    [ 'unknown operation (core)',      'invalid_argument', 0, sub { $client->call(teleport => { phlo_id => $P }) } ],
    [ 'unknown parameter (core)',      'invalid_argument', 0, sub { $client->call(get_phlo => { phlo_id => $P, colour => 'red' }) } ],
    [ 'missing role (core)',           'invalid_argument', 0, sub { $client->mpc_call($P, $N, to => '+14152225555', trigger_source => $AGENT) } ],
    [ 'bad node type (core)',          'invalid_argument', 0, sub { $client->get_node($P, 'teleporter', $N) } ],
    [ 'raw body on GET (core)',        'invalid_argument', 0, sub { $client->raw(GET => "/v1/phlo/$P", { a => 1 }) } ],
    [ 'raw path with .. (core)',       'invalid_argument', 0, sub { $client->raw(GET => "/v1/phlo/$P/../x") } ],
    [ 'payload not an object (core)',  'invalid_argument', 0, sub { $client->call(run_phlo => { phlo_id => $P, payload => [1] }) } ],
    [ 'bad member id (core)',          'invalid_argument', 0, sub { $client->mpc_member_hold($P, $N, "+1\tx") } ],
    [ 'a float id (core)',             'invalid_argument', 0, sub { $client->get_phlo(12.5) } ],
    [ 'bad role (core)',               'invalid_argument', 0, sub { $client->mpc_call($P, $N, to => '+14152225555', trigger_source => $AGENT, role => 'boss') } ],
    [ 'missing ids (core)',            'invalid_argument', 0, sub { $client->call(get_multi_party_call => {}) } ],
    [ 'reference as id (Perl)',        'invalid_argument', 0, sub { $client->get_phlo([]) } ],
    [ 'odd named list (Perl)',         'invalid_argument', 0, sub { $client->mpc_cold_transfer($P, $N, 'to') } ],
);
# Call $i: every fifth is the next real one, the others the next invalid one.
my ($next_real, $next_invalid) = (0, 0);
sub next_call {
    my ($i) = @_;
    return $real[ $next_real++ % @real ] if $ALL_REAL || $i % 5 == 0;
    return $invalid[ $next_invalid++ % @invalid ];
}

# Every kind of call works as expected before the loop (so the loop measures the right thing).
subtest 'each call in the block does what it should' => sub {
    $sim->reset;
    for my $c (@real, @invalid) {
        my ($what, $want, undef, $code) = @$c;
        my $r = eval { $code->() };
        my $got = $r ? 'ok' : ref $@ ? $@->kind : "died: $@";
        is($got, $want, "$what: $want");
    }
};

$sim->reset;
my (%outcome, %expected, @samples);
my ($net, $t_real, $t_invalid) = (0, 0, 0);
my $t0 = Time::HiRes::time();
for my $i (1 .. $CALLS) {
    my ($what, $want, $sends, $code) = @{ next_call($i) };
    my $t = Time::HiRes::time();
    my $r = eval { $code->() };
    my $dt = Time::HiRes::time() - $t;
    $sends ? ($t_real += $dt) : ($t_invalid += $dt);
    $net += $sends;
    my $got = $r ? 'ok' : ref $@ ? $@->kind : 'died';
    $outcome{"$what: $got"}++;
    $expected{"$what: $want"}++;
    if ($i % 10_000 == 0) {
        push @samples, [ $i, rss_kb(), Time::HiRes::time() - $t0 ];
        # The simulator's request log is not ours, but keep it and its ring small.
        $sim->_control(DELETE => '/_sim/requests') if $i == $WARMUP;
    }
}
my $took = Time::HiRes::time() - $t0;

is_deeply(\%outcome, \%expected, 'every one of the 100,000 results is the expected one');
my $real_calls = $net;
my $sent_after_warmup = $real_calls - $real_calls * $WARMUP / $CALLS;
is($sim->requests->{total}, $sent_after_warmup, "the simulator received each real call after warm-up exactly once ($sent_after_warmup)");

my ($at_warm) = grep { $_->[0] == $WARMUP } @samples;
my ($at_end)  = grep { $_->[0] == $CALLS } @samples;
my $grew = $at_end->[1] - $at_warm->[1];
my $max = (sort { $b <=> $a } map { $_->[1] } @samples)[0];
note(sprintf 'after %6d calls: VmRSS %d kB (%.1f s)', @$_) for @samples;
cmp_ok($grew, '<', $BOUND_KB, "RSS flat: $at_warm->[1] kB at call $WARMUP, $at_end->[1] kB at call $CALLS (grew $grew kB; bound $BOUND_KB kB)");

my $n_invalid = $CALLS - $real_calls;
diag(sprintf 'long loop: %d calls on one client (%d real, %d invalid-argument) in %.1f s; real %.0f us/call, invalid %.0f us/call; '
      . 'VmRSS %d kB at %d calls, %d kB at %d calls (grew %d kB, peak %d kB); answers decoded with %s',
    $CALLS, $real_calls, $n_invalid, $took, $t_real / ($real_calls || 1) * 1e6, $t_invalid / ($n_invalid || 1) * 1e6,
    $at_warm->[1], $WARMUP, $at_end->[1], $CALLS, $grew, $max, Plivo::PHLO::FFI::json_backend());

is_deeply(\@warnings, [], 'no warnings') or diag explain \@warnings;
done_testing;
