use strict;
use warnings;

# Signals during a call. Perl's signals are deferred ("safe"): the C handler only notes the
# signal, libphlo's wait resumes, and the %SIG handler runs once the call has returned to Perl. So
# an alarm does not cut a call short, and a die in the handler surfaces as itself: never as a
# decode error or any other error of the module (the handler may run while the answer is being
# decoded, inside the module's own eval).

use FindBin;
use lib "$FindBin::Bin/lib", "$FindBin::Bin/../lib";
use Test::More;
use Time::HiRes ();

use SimHelper qw(:all);
use Plivo::PHLO;

my $sim = SimHelper->start;
my $client = $sim->client(max_retries => 0);

subtest 'a handler runs when the call returns, and the call has its answer' => sub {
    $sim->reset;
    $sim->fault({ kind => 'latency', ms => 400 });
    my @ran;
    local $SIG{ALRM} = sub { push @ran, Time::HiRes::time() };
    my $t0 = Time::HiRes::time();
    Time::HiRes::alarm(0.1);
    my $r = $client->mpc_member_hold($P, $N, $CUSTOMER);
    my $returned = Time::HiRes::time();
    Time::HiRes::alarm(0);
    ok($r && exists $r->{api_id}, 'the call got its answer');
    is(scalar @ran, 1, 'the handler ran once');
    ok($returned - $t0 >= 0.35, 'the call was not cut short by the alarm');
    is($sim->requests->{total}, 1, 'the action was sent once');
};

subtest 'a die in a handler surfaces as itself' => sub {
    # Many short calls with an alarm that fires at varying points, some of them inside the
    # module's decoding of the answer: every die must come out as the handler's own.
    my ($died, $other, $ok) = (0, 0, 0);
    my @wrong;
    for my $i (1 .. 300) {
        my $r = eval {
            local $SIG{ALRM} = sub { die "alarm $i\n" };
            Time::HiRes::ualarm(50 + ($i * 37) % 900);
            my $x = $client->get_phlo($P);
            Time::HiRes::ualarm(0);
            $x;
        };
        Time::HiRes::ualarm(0);
        my $e = $@;
        if ($r) { $ok++ }
        elsif (!ref $e && $e eq "alarm $i\n") { $died++ }
        else { $other++; push @wrong, ref $e ? $e->kind . ': ' . $e->message : $e }
    }
    diag("300 calls: $ok answered, $died ended by the handler's die, $other otherwise");
    is($other, 0, 'every die was the handler\'s own') or diag explain \@wrong;
    ok($died > 0, 'some calls ended by the handler\'s die');
    is($client->get_phlo($P)->{phlo_id}, $P, 'the client still works');
};

done_testing;
