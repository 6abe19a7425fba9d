use strict;
use warnings;

# Handles: freed in DESTROY exactly once, kept alive by node objects, usable across fork (and
# refused in a new ithread, which gets no copy); library lookup and version.

use FindBin;
use lib "$FindBin::Bin/lib", "$FindBin::Bin/../lib";
use Test::More;
use Config;
use File::Spec;
use File::Temp ();
use POSIX ();
use Time::HiRes ();

use SimHelper qw(:all);
use Plivo::PHLO;

my @warnings;
$SIG{__WARN__} = sub { push @warnings, @_ };

my $sim = SimHelper->start;

# Counts the pointers phlo_client_free is called with (the binding's _free, wrapped).
my %freed;
{
    no warnings 'redefine';
    my $free = \&Plivo::PHLO::FFI::Handle::_free;
    *Plivo::PHLO::FFI::Handle::_free = sub { $freed{ $_[0] }++; $free->(@_) };
}

subtest 'DESTROY frees the handle once' => sub {
    my $c = $sim->client;
    my $h = $c->{handle};
    isa_ok($h, 'Plivo::PHLO::FFI::Handle');
    my $ptr = $$h;
    ok($ptr, 'non-NULL pointer');
    delete $freed{$ptr};    # malloc may have given an earlier client's address
    undef $h;
    ok(!$freed{$ptr}, 'not freed while the client holds it');
    undef $c;
    is($freed{$ptr}, 1, 'freed once, when the client went away');
};

subtest 'node and member objects keep their client alive' => sub {
    my $c = $sim->client;
    my $ptr = ${ $c->{handle} };
    delete $freed{$ptr};    # malloc may have given an earlier client's address
    my $m = $c->multi_party_call($P, $N)->member($CUSTOMER);
    undef $c;
    ok(!$freed{$ptr}, 'client alive through the member object');
    $sim->reset;
    is($m->hold->{error}, '', 'usable');
    undef $m;
    is($freed{$ptr}, 1, 'freed once, with the last object');
};

# Waits for $pid for up to $secs; returns its exit status or undef (then kills it).
sub reap {
    my ($pid, $secs) = @_;
    my $deadline = Time::HiRes::time() + $secs;
    while (Time::HiRes::time() < $deadline) {
        return $? >> 8 if waitpid($pid, POSIX::WNOHANG()) == $pid;
        Time::HiRes::sleep(0.02);
    }
    kill 'KILL', $pid;
    waitpid($pid, 0);
    return undef;
}

subtest 'fork: the child uses and frees the parent\'s client; the parent keeps its connection' => sub {
    my $c = $sim->client;
    $sim->reset;
    ok($c->get_phlo($P), 'parent call before fork');
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        # Child: the parent's client works here (new connections), an action too; a new client
        # works; dropping the inherited client frees it, silently and promptly.
        my $code = 0;
        my $got = eval { $c->get_phlo($P) };
        $code |= 1 unless $got && $got->{phlo_id} eq $P;
        my $held = eval { $c->mpc_member_hold($P, $N, '+14153336666') };
        $code |= 2 unless $held && exists $held->{api_id};
        my $own = eval { $sim->client->get_phlo($P) };
        $code |= 4 unless $own && $own->{phlo_id} eq $P;
        undef $c;    # DESTROY on the inherited handle
        POSIX::_exit($code);    # skip END blocks: the test harness and simulator are the parent's
    }
    my $status = reap($pid, 30);
    is($status, 0, 'child exited cleanly and promptly (used the inherited client and its own)');
    ok($c->get_phlo($P), 'parent client still works after the child exited');
    my @reqs = @{ $sim->requests->{requests} };
    is(scalar @reqs, 5, 'parent, child (inherited client: two), child (own), parent: five requests');
    my @conn = map { $_->{connection} } @reqs;
    is($conn[4], $conn[0], 'the parent\'s connection survived the child');
    ok(!grep({ $_ == $conn[0] } @conn[1 .. 3]), 'the child used connections of its own');
};

SKIP: {
    skip 'perl without ithreads', 1 unless $Config{useithreads};
    skip 'threads.pm not available', 1 unless eval { require threads; 1 };
    subtest 'ithreads: each thread makes its own client' => sub {
        my $c = $sim->client;
        my $thr = threads->create(sub {
            my $e = do { eval { $c->get_phlo($P) }; $@ };
            my $refused = ref $e && $e->kind eq 'invalid_argument' && $e->message =~ /another thread/ ? 1 : 0;
            my $own = eval { $sim->client->get_phlo($P)->{phlo_id} } // '';
            return "$refused:$own";
        });
        is($thr->join, "1:$P", 'inherited client refused; own client works');
        ok($c->get_phlo($P), 'parent client still works');
        # Several threads at once, each with its own client, several rounds: libphlo stays
        # loaded (the FFI::Platypus instance is not cloned) and no handle is freed twice.
        for my $round (1 .. 3) {
            my @t = map {
                threads->create(sub {
                    my $own = $sim->client;
                    my $ok = 0;
                    $ok += ($own->get_phlo($P)->{phlo_id} eq $P) for 1 .. 20;
                    return $ok;
                })
            } 1 .. 4;
            is_deeply([ map { $_->join } @t ], [ (20) x 4 ], "round $round: 4 threads x 20 calls");
        }
        ok($c->get_phlo($P), 'parent client works after 13 threads came and went');
    };
}

subtest 'clients alive at exit are freed cleanly in global destruction' => sub {
    my $lib = File::Spec->catdir($FindBin::Bin, '..', 'lib');
    my $url = $sim->url;
    my $code = q{
        use Plivo::PHLO;
        our @clients = map { Plivo::PHLO->new(auth_id => 'MAXXXXXXXXXXXXXXXXXX', auth_token => 'token123', base_url => $ARGV[0]) } 1 .. 5;
        our $member = $clients[0]->multi_party_call('p', 'n')->member('+14153336666');
        my $lexical = Plivo::PHLO->new(auth_id => 'MAXXXXXXXXXXXXXXXXXX', auth_token => 'token123', base_url => $ARGV[0]);
        $_->get_phlo('3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b') for @clients, $lexical;
        $clients[1]{self} = $clients[1];    # a cycle: only global destruction frees it
        print "done\n";
    };
    for my $run (1 .. 3) {
        open my $fh, '-|', $^X, "-I$lib", '-e', "open STDERR, '>&', \\*STDOUT; $code", $url or die "run perl: $!";
        my $out = do { local $/; <$fh> };
        close $fh;
        is($?, 0, "run $run: exit status 0") or diag $out;
        is($out, "done\n", "run $run: no crash, no warning");
    }
};

subtest 'library' => sub {
    is(Plivo::PHLO->library_version, $Plivo::PHLO::VERSION, 'libphlo version equals the module version');
    my $root = SimHelper::repo_root();
    my ($cargo) = do { local (@ARGV, $/) = File::Spec->catfile($root, 'Cargo.toml'); <> } =~ /^\[workspace\.package\][^\[]*?^version\s*=\s*"([^"]+)"/ms;
    is($Plivo::PHLO::VERSION, $cargo, 'and the workspace version in Cargo.toml');
    ok(-f Plivo::PHLO->library_path, 'library_path is a file');
    is(Plivo::PHLO::FFI::status_name(3), 'not_found', 'phlo_status_name(3)');
    my @ops = Plivo::PHLO->operations;
    cmp_ok(scalar @ops, '>=', 22, 'the core lists its operations');
    ok(Plivo::PHLO->can($_->{name}), "method $_->{name}") for @ops;
};

# Loads the module in a fresh perl with the given environment; returns (exit status, stderr).
sub load_in_child {
    my ($libdir, %env) = @_;
    my $err = File::Temp->new;
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        delete @ENV{qw(PLIVO_PHLO_LIB CARGO_TARGET_DIR LD_LIBRARY_PATH)};
        @ENV{ keys %env } = values %env;
        open STDERR, '>', $err->filename or POSIX::_exit(126);
        open STDOUT, '>', File::Spec->devnull or POSIX::_exit(126);
        exec $^X, "-I$libdir", '-e', 'require Plivo::PHLO; print Plivo::PHLO->library_path' or POSIX::_exit(127);
    }
    waitpid($pid, 0);
    my $status = $? >> 8;
    open my $fh, '<', $err->filename or die;
    local $/;
    return ($status, scalar <$fh>);
}

subtest 'a missing library is a clear message naming every place searched' => sub {
    my $lib = File::Spec->catdir($FindBin::Bin, '..', 'lib');

    my ($status, $err) = load_in_child($lib, PLIVO_PHLO_LIB => '/nonexistent/libphlo.so');
    isnt($status, 0, 'PLIVO_PHLO_LIB pointing nowhere: loading fails');
    like($err, qr{PLIVO_PHLO_LIB is set to '/nonexistent/libphlo\.so'}, 'names the variable and its value');

    # A copy of the module outside the repository, with no variable set: nothing to find.
    my $tmp = File::Temp->newdir;
    require File::Copy;
    require File::Path;
    File::Path::make_path("$tmp/perl/lib/Plivo/PHLO");
    for my $f (qw(Plivo/PHLO.pm Plivo/PHLO/FFI.pm Plivo/PHLO/Error.pm Plivo/PHLO/Node.pm Plivo/PHLO/MultiPartyCall.pm
        Plivo/PHLO/ConferenceBridge.pm Plivo/PHLO/Member.pm)) {
        File::Copy::copy("$lib/$f", "$tmp/perl/lib/$f") or die "copy $f: $!";
    }
    ($status, $err) = load_in_child("$tmp/perl/lib");
    isnt($status, 0, 'no library anywhere: loading fails');
    like($err, qr/libphlo not found/, 'says libphlo was not found');
    like($err, qr/PLIVO_PHLO_LIB/, 'names the environment variable');
    like($err, qr{auto/Plivo/PHLO/libphlo\.so in \@INC}, 'names the installed place');
    like($err, qr/system library path/, 'names the system library path');
    unlike($err, qr{target/(?:release|debug)}, 'a copy outside a checkout looks in no build directory');

    ($status, $err) = load_in_child("$tmp/perl/lib", PLIVO_PHLO_LIB => Plivo::PHLO->library_path);
    is($status, 0, 'the same copy loads with PLIVO_PHLO_LIB') or diag $err;

    # Installed as `make install` does: the library in auto/Plivo/PHLO/ of an @INC directory
    # (here another one than the module's, as the architecture directory is), no variable set.
    my $arch = File::Temp->newdir;
    File::Path::make_path("$arch/auto/Plivo/PHLO");
    File::Copy::copy(Plivo::PHLO->library_path, "$arch/auto/Plivo/PHLO/libphlo.so") or die "copy: $!";
    my ($pid_status, $path) = (undef, undef);
    {
        my $out = File::Temp->new;
        my $pid = fork // die "fork: $!";
        if (!$pid) {
            delete @ENV{qw(PLIVO_PHLO_LIB CARGO_TARGET_DIR LD_LIBRARY_PATH)};
            open STDOUT, '>', $out->filename or POSIX::_exit(126);
            open STDERR, '>&', \*STDOUT or POSIX::_exit(126);
            exec $^X, "-I$tmp/perl/lib", "-I$arch", '-e', 'require Plivo::PHLO; print Plivo::PHLO->library_path'
              or POSIX::_exit(127);
        }
        waitpid($pid, 0);
        $pid_status = $? >> 8;
        open my $fh, '<', $out->filename or die;
        local $/;
        $path = <$fh>;
    }
    is($pid_status, 0, 'a copy with libphlo installed beside it in @INC loads with no variable set') or diag $path;
    is($path, "$arch/auto/Plivo/PHLO/libphlo.so", 'and loads that one');
};

is_deeply(\@warnings, [], 'no warnings') or diag explain \@warnings;
done_testing;
