use strict;
use warnings;

# The timeout bounds each whole attempt: the headers and the entire body, however slowly the
# server sends them (the simulator's latency and slow_body faults: late headers, a chunked body
# and a sized body a byte at a time, late headers then a slow body).

use FindBin;
use lib "$FindBin::Bin/lib", "$FindBin::Bin/../lib";
use Test::More;
use Time::HiRes ();
use JSON::PP ();

use SimHelper qw(:all);
use Plivo::PHLO;

my $sim = SimHelper->start;
my $client = $sim->client(timeout => 1, max_retries => 0);

my @faults = (
    [ 'headers late'                   => { kind => 'latency',   ms => 3000 } ],
    [ 'chunked body a byte at a time'  => { kind => 'slow_body', interval_ms => 150 } ],
    [ 'sized body a byte at a time'    => { kind => 'slow_body', interval_ms => 150, chunked => JSON::PP::false() } ],
    [ 'late headers, then a slow body' => { kind => 'slow_body', delay_ms => 700, interval_ms => 150, chunked => JSON::PP::false() } ],
);

for my $f (@faults) {
    my ($what, $fault) = @$f;
    for my $call ([ read => sub { $client->get_phlo($P) } ], [ action => sub { $client->mpc_member_hold($P, $N, $CUSTOMER) } ]) {
        $sim->fault($fault);
        my $t0 = Time::HiRes::time();
        eval { $call->[1]->() };
        my ($e, $took) = ($@, Time::HiRes::time() - $t0);
        ok(ref $e && $e->kind eq 'timeout', "$what ($call->[0]): a timeout error")
          or diag(ref $e ? $e->kind . ': ' . $e->message : "got: $e");
        ok($took >= 1 && $took < 1.6, sprintf('%s (%s): ended at the 1 s timeout (%.2f s)', $what, $call->[0], $took));
    }
}

done_testing;
