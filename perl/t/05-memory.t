use strict;
use warnings;

# Many calls, and the process's resident memory stays flat: every char* the library returns
# (results and last-error records) is freed through phlo_string_free, and every handle through
# phlo_client_free. Each phase warms up first, then must grow RSS by less than its bound.
# (Leaking just the result string of each call would add about 150 bytes a call, well over the
# bounds: 3000 calls x 150 B = 440 KB against a bound of 256 KB.)

use FindBin;
use lib "$FindBin::Bin/lib", "$FindBin::Bin/../lib";
use Test::More;

use SimHelper qw(:all);
use Plivo::PHLO;

plan skip_all => 'needs /proc/self/status' unless defined rss_kb();

my $sim = SimHelper->start;
my $client = $sim->client(max_retries => 0);
my $MISSING = '00000000-0000-4000-8000-000000000000';

sub flat_ok {
    my ($name, $n, $bound_kb, $code) = @_;
    $code->() for 1 .. int($n / 5) + 1;    # warm up: arenas, pools, connections
    $sim->_control(DELETE => '/_sim/requests');
    my $before = rss_kb();
    $code->() for 1 .. $n;
    my $after = rss_kb();
    my $grew = $after - $before;
    cmp_ok($grew, '<', $bound_kb, "$name: $n calls, RSS $before kB -> $after kB (grew $grew kB, bound $bound_kb kB)");
    $sim->_control(DELETE => '/_sim/requests');    # the simulator's log is not ours, but keep it small
}

flat_ok('get_phlo (success)', 3000, 256, sub { $client->get_phlo($P) });

flat_ok('member actions (success, POST)', 2000, 256, sub {
    $client->mpc_member_mute($P, $N, $CUSTOMER);
});

flat_ok('not_found errors (last-error JSON freed)', 2000, 256, sub {
    eval { $client->get_phlo($MISSING) };
});

flat_ok('invalid_argument from the core (no network)', 20000, 512, sub {
    eval { $client->get_phlo('bad id!') };
});

flat_ok('invalid_argument from Perl (no library call)', 20000, 512, sub {
    eval { $client->get_phlo([]) };
});

flat_ok('object style', 2000, 256, sub {
    $client->multi_party_call($P, $N)->member($CUSTOMER)->unmute;
});

# Counts the pointers phlo_client_free is called with (the binding's _free, wrapped).
my %freed;
{
    no warnings 'redefine';
    my $free = \&Plivo::PHLO::FFI::Handle::_free;
    *Plivo::PHLO::FFI::Handle::_free = sub { $freed{ $_[0] }++; $free->(@_) };
}
my $made = 0;
flat_ok('client create and free', 300, 1024, sub {
    my $c = $sim->client;
    $made++;
    undef $c;
});
my $frees = 0;
$frees += $_ for values %freed;    # by address, which malloc reuses: count them all
is($frees, $made, "the $made clients made and dropped were freed, each once");

done_testing;
