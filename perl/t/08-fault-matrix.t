use strict;
use warnings;

# The fault matrix every language shares (tests/fault_matrix.json), run the way its "how"
# says, through the generic entry point $client->call($op, \%params): one subtest per case, named
# after it. Each failing case asserts the Plivo::PHLO::Error's kind, code, HTTP status, attempts and,
# when the table gives them, message, field, api_id and retry_after; every case asserts how many
# requests reached the simulator (GET /_sim/requests) and, for actions, whether the transfer was
# applied (GET /_sim/nodes/{N}), so a non-idempotent action sent twice fails here.

use FindBin;
use lib "$FindBin::Bin/lib", "$FindBin::Bin/../lib";
use Test::More;
use JSON::PP ();
use Time::HiRes ();

use SimHelper qw(:all);
use Plivo::PHLO;

my @warnings;
$SIG{__WARN__} = sub { push @warnings, @_ };

my $table = do {
    # The repository's shared table; the CPAN distribution carries a copy beside this file.
    my ($path) = grep { -f } "$FindBin::Bin/../../tests/fault_matrix.json", "$FindBin::Bin/fault_matrix.json";
    $path //= "$FindBin::Bin/../../tests/fault_matrix.json";
    open my $fh, '<:raw', $path or die "$path: $!";
    local $/;
    JSON::PP->new->utf8->decode(<$fh>);
};
# Started before the first test, so that without a simulator the file is skipped as a whole.
my $sim = SimHelper->start;

my @cases = @{ $table->{cases} };
cmp_ok(scalar @cases, '>=', 50, 'the shared table covers the whole list (' . scalar(@cases) . ' cases)');
is($table->{phlo_id}, $P, 'the table\'s PHLO is the demo fixture\'s');
is($table->{node_id}, $N, 'the table\'s node is the demo fixture\'s');

my $WRONG_TOKEN = 'wrong-token-0f1e2d3c';
my $NEW_AGENT   = '+14152225555';
my %CODE = (invalid_argument => 1, authentication => 2, not_found => 3, bad_request => 4, rate_limited => 5,
    server => 6, timeout => 7, connection => 8, decode => 9);

# Subtest names must be unique; the table reuses a name for its read and action sides.
my %seen;
sub case_name {
    my ($c) = @_;
    my $n = "$c->{name} ($c->{side})";
    $n .= ' #' . $seen{$n} if $seen{$n}++;
    return $n;
}

sub member_state { ($sim->node($N)->{members}{ $_[0] } // {})->{state} }

my $t_all = Time::HiRes::time();
for my $c (@cases) {
    my $want = $c->{expect};
    subtest case_name($c) => sub {
        # 1. reset, queue the faults
        $sim->reset;
        $sim->fault($_) for @{ $c->{faults} || [] };

        # 2. the client: default options (3 attempts) unless the case says otherwise
        my $base_url = ($c->{target} // '') eq 'refused' ? 'http://127.0.0.1:' . closed_port() : $sim->url;
        my %opts = (
            auth_id    => $AUTH_ID,
            auth_token => $c->{wrong_token} ? $WRONG_TOKEN : $TOKEN,
            base_url   => $base_url,
        );
        $opts{timeout} = $c->{timeout} if defined $c->{timeout};
        my $client = Plivo::PHLO->new(%opts);

        # 3. the call, by name
        my ($op, $params);
        if (defined $c->{op}) {
            ($op, $params) = ($c->{op}, $c->{params} // {});
        }
        elsif ($c->{side} eq 'read') {
            ($op, $params) = (get_phlo => { phlo_id => $P });
        }
        else {
            ($op, $params) = (mpc_cold_transfer => { phlo_id => $P, node_id => $N, trigger_source => $AGENT, to => $NEW_AGENT });
        }
        my $t0 = Time::HiRes::time();
        my $result = eval { $client->call($op, $params) };
        my $e = $@;
        my $took = Time::HiRes::time() - $t0;

        # 4. let a request the client gave up on finish at the simulator
        Time::HiRes::sleep($c->{settle_ms} / 1000) if defined $c->{settle_ms};

        # 5. the outcome
        if ($want->{ok}) {
            is($e, '', 'the call succeeded') or diag("got: $e");
            is(ref $result, 'HASH', 'a hash reference');
            ok(($client->last_status // 0) >= 200 && $client->last_status < 300, 'last_status is 2xx (' . ($client->last_status // 'undef') . ')');
            is($client->last_status, $want->{status}, "last_status $want->{status}") if exists $want->{status};
            if (exists $want->{body}) {
                is($client->last_body, $want->{body}, "last_body '$want->{body}'");
                is_deeply($result, {}, 'no body reads as no fields') if $want->{body} eq '';
            }
        }
        else {
            ok(!defined $result, 'the call died');
            isa_ok($e, 'Plivo::PHLO::Error') or return diag("got: $e");
            is($e->kind, $want->{kind}, "kind $want->{kind}");
            is($e->code, $CODE{ $want->{kind} }, "code $CODE{ $want->{kind} }");
            is($e->status, $want->{status}, 'status ' . ($want->{status} // 'undef'));
            is($client->last_status, $want->{status}, 'last_status ' . ($want->{status} // 'undef'));
            is($e->attempts, $want->{attempts}, "attempts $want->{attempts}");
            for my $key (grep { exists $want->{$_} } qw(message field api_id)) {
                is($e->$key, $want->{$key}, "$key " . ($want->{$key} // 'undef'));
            }
            if (defined(my $min = $want->{retry_after_ms_min})) {
                cmp_ok($e->retry_after_ms // 0, '>=', $min, "retry_after_ms >= $min");
                cmp_ok($e->retry_after // 0, '>=', $min / 1000, 'retry_after (seconds) >= ' . $min / 1000);
            }
            my $s = "$e";
            like($s, qr/\APlivo::PHLO::Error \[\Q$want->{kind}\E\] /, 'string form names the kind');
            unlike($s, qr/[\r\n]/, 'string form is one line');
            unlike($s, qr/\Q$TOKEN\E|\Q$WRONG_TOKEN\E/, 'no token in the string form');
        }
        # 6. what reached the service
        is($sim->requests->{total}, $want->{sent}, "sent $want->{sent}");
        # 7. what it did
        if (exists $want->{applied}) {
            my $state = member_state($NEW_AGENT);
            if ($want->{applied}) {
                is($state, 'connected', "$NEW_AGENT connected (applied once)");
            }
            else {
                isnt($state // 'absent', 'connected', "$NEW_AGENT not connected (not applied): " . ($state // 'absent'));
            }
        }
        note(sprintf '%s: %.2f s', $op, $took);
    };
}
note(sprintf '%d cases in %.1f s', scalar @cases, Time::HiRes::time() - $t_all);
diag(sprintf 'fault matrix: %d cases from tests/fault_matrix.json', scalar @cases);

is_deeply(\@warnings, [], 'no warnings') or diag explain \@warnings;
done_testing;
