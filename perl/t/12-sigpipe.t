use strict;
use warnings;

# SIGPIPE. libphlo does a call's network I/O on the calling thread. When the service closes a
# connection while a request is still being written (an early 413, a reset), that write raises
# SIGPIPE, and its default action kills the whole process: Rust programs ignore SIGPIPE, Perl
# programs do not. libphlo blocks SIGPIPE in the calling thread while a call runs, takes off one
# the call raised, and restores the mask: the caller's own mask and $SIG{PIPE} stay as they were,
# and nothing is left pending.

use FindBin;
use lib "$FindBin::Bin/lib", "$FindBin::Bin/../lib";
use Test::More;
use POSIX ();

use SimHelper qw(:all);
use Plivo::PHLO;

plan skip_all => 'needs /proc/self/task' unless -d "/proc/self/task/$$";

my @warnings;
$SIG{__WARN__} = sub { push @warnings, @_ };

my $sim = SimHelper->start;

sub tasks { opendir my $d, "/proc/self/task" or return (); return sort { $a <=> $b } grep { /^\d+$/ } readdir $d }

# The blocked-signal mask of a thread, as a number (SigBlk in its /proc status).
sub sigblk {
    my ($tid) = @_;
    open my $fh, '<', "/proc/self/task/$tid/status" or return undef;
    while (<$fh>) { return hex $1 if /^SigBlk:\s+([0-9a-f]+)/ }
    return undef;
}

subtest "the caller's mask and handler are left alone, and the I/O runs on the calling thread" => sub {
    my %before = map { $_ => 1 } tasks();
    my $mask_before = sigblk($$);
    local $SIG{PIPE} = 'DEFAULT';
    my $client = $sim->client(max_retries => 0);
    $client->get_phlo($P) for 1 .. 3;
    is(sigblk($$), $mask_before, "this thread's signal mask is unchanged");
    is($SIG{PIPE}, 'DEFAULT', '$SIG{PIPE} is unchanged');
    my @new = grep { !$before{$_} } tasks();
    is(scalar @new, 0, 'the library started no thread of its own');
};

subtest 'a connection the service closes mid-write does not kill the process' => sub {
    # A 17 MiB body: the simulator answers 413 (its limit is 16 MiB) and closes while the client
    # is still writing. Each child runs with the default SIGPIPE action, as a Perl program does.
    my $BIG = 'x' x (17 << 20);
    my $runs = 4;
    my @status;
    for (1 .. $runs) {
        my $pid = fork // die "fork: $!";
        if (!$pid) {
            $SIG{PIPE} = 'DEFAULT';
            my $code = eval {
                my $c = Plivo::PHLO->new(auth_id => $AUTH_ID, auth_token => $TOKEN, base_url => $sim->url, max_retries => 0);
                eval { $c->run_phlo($P, { v => $BIG }) };
                my $e = $@;
                ref $e && $e->isa('Plivo::PHLO::Error') && $e->kind =~ /\A(?:bad_request|connection)\z/ ? 0 : 3;
            } // 4;
            POSIX::_exit($code);
        }
        waitpid($pid, 0);
        push @status, $?;
    }
    my @killed = grep { $_ & 127 } @status;
    is(scalar @killed, 0, "no child was killed by a signal ($runs runs; statuses @status)");
    is_deeply([ grep { $_ != 0 } @status ], [], 'each got a typed error (bad_request or connection) and exited 0');
};

is_deeply(\@warnings, [], 'no warnings') or diag explain \@warnings;
done_testing;
