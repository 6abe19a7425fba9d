package SimHelper;

# Starts the PHLO simulator (target/debug/phlo-sim, or $ENV{PHLO_SIM}) for one test file, reads
# its base URL from the first line of its stdout, talks to its /_sim/ control API with core
# HTTP::Tiny, and stops it at END. When the binary is missing the test file is skipped, unless
# PHLO_TEST_REQUIRE_SIM is set (tests/suites/perl.sh sets it), in which case it fails.

use strict;
use warnings;

use Exporter 'import';
use File::Spec ();
use File::Temp ();
use HTTP::Tiny ();
use IO::Socket::INET ();
use JSON::PP ();
use POSIX ();
use Test::More ();
use Time::HiRes ();

our @EXPORT_OK = qw($P $N $C $AUTH_ID $TOKEN $AGENT $CUSTOMER $B1 $B2 closed_port rss_kb);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

our $P        = '3f8e6c4a-2b1d-4e7f-9a5c-8d0b1e2f3a4b';
our $N        = 'b1d2c3e4-5f60-4a7b-8c9d-0e1f2a3b4c5d';
our $C        = 'c7e8f9a0-1b2c-4d3e-9f4a-5b6c7d8e9f0a';
our $AUTH_ID  = 'MAXXXXXXXXXXXXXXXXXX';
our $TOKEN    = 'token123';
our $AGENT    = '+14152223333';
our $CUSTOMER = '+14153336666';
our $B1       = '+14155550123';
our $B2       = '+14155550124';

my $JSON = JSON::PP->new->utf8->canonical;

# Test names and diagnostics may hold wide characters.
binmode(Test::More->builder->$_, ':encoding(UTF-8)') for qw(output failure_output todo_output);
my @running;

sub repo_root {
    require Cwd;
    my $here = Cwd::abs_path(__FILE__);    # <root>/perl/t/lib/SimHelper.pm
    my @d = File::Spec->splitdir((File::Spec->splitpath($here))[1]);
    pop @d while @d && $d[-1] eq '';
    splice @d, -3;
    return File::Spec->catdir(@d);
}

sub binary {
    return $ENV{PHLO_SIM} if $ENV{PHLO_SIM};
    return File::Spec->catfile(repo_root(), 'target', 'debug', 'phlo-sim');
}

# SimHelper->start(@extra_args): a running simulator, or skip_all / BAIL_OUT.
sub start {
    my ($class, @args) = @_;
    my $bin = binary();
    unless (-x $bin) {
        my $why = "no phlo-sim at $bin: set PHLO_SIM to a phlo-sim binary (the phlo release "
          . "tarball has one; in a checkout, cargo build -p phlo-sim)";
        Test::More::BAIL_OUT($why) if $ENV{PHLO_TEST_REQUIRE_SIM};
        Test::More::plan(skip_all => $why);
    }
    my $out = File::Temp->new(TEMPLATE => 'phlo-sim-out-XXXXXX', TMPDIR => 1);
    my $err = File::Temp->new(TEMPLATE => 'phlo-sim-err-XXXXXX', TMPDIR => 1);
    my $parent = $$;
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        # On Linux, the simulator gets SIGTERM when this test process dies, however it dies
        # (killed by a signal, a timeout), so no simulator outlives its test. Best effort.
        if ($^O eq 'linux' && eval { require 'syscall.ph'; 1 }) {
            syscall(&SYS_prctl, 1, 15);    # prctl(PR_SET_PDEATHSIG, SIGTERM)
            POSIX::_exit(125) if getppid() != $parent;
        }
        open STDOUT, '>', $out->filename or POSIX::_exit(126);
        open STDERR, '>', $err->filename or POSIX::_exit(126);
        exec $bin, @args or POSIX::_exit(127);
    }
    my $self = bless { pid => $pid, parent => $$, out => $out, err => $err }, $class;
    push @running, $self;
    my $deadline = Time::HiRes::time() + 30;
    while (Time::HiRes::time() < $deadline) {
        if (open my $fh, '<', $out->filename) {
            my $line = <$fh>;
            if (defined $line && $line =~ m{\A(https?://\S+)\n}) {
                $self->{url} = $1;
                last;
            }
        }
        if (waitpid($pid, POSIX::WNOHANG()) == $pid) {
            delete $self->{pid};
            die "phlo-sim exited at start (status $?): " . $self->stderr_text;
        }
        Time::HiRes::sleep(0.02);
    }
    die "phlo-sim printed no URL within 30 s: " . $self->stderr_text unless $self->{url};
    $self->{http} = HTTP::Tiny->new(timeout => 10, keep_alive => 1);
    return $self;
}

sub url { $_[0]{url} }

sub stderr_text {
    my $self = shift;
    open my $fh, '<', $self->{err}->filename or return '';
    local $/;
    return <$fh> // '';
}

# A Plivo::PHLO client on this simulator with the default credentials; options override.
sub client {
    my ($self, %opts) = @_;
    require Plivo::PHLO;
    return Plivo::PHLO->new(auth_id => $AUTH_ID, auth_token => $TOKEN, base_url => $self->{url}, %opts);
}

sub _control {
    my ($self, $method, $path, $body) = @_;
    my $res = $self->{http}->request($method, $self->{url} . $path,
        defined $body ? { content => $JSON->encode($body), headers => { 'content-type' => 'application/json' } } : {});
    die "sim control $method $path failed: $res->{status} $res->{content}\n" unless $res->{success};
    return length($res->{content} // '') ? $JSON->decode($res->{content}) : undef;
}

sub state    { $_[0]->_control(GET => '/_sim/state') }
sub node     { $_[0]->_control(GET => "/_sim/nodes/$_[1]") }
sub reset    { $_[0]->_control(POST => '/_sim/reset') }
sub requests { $_[0]->_control(GET => '/_sim/requests') }
sub fault    { my ($s, $f) = @_; $s->_control(POST => '/_sim/faults', $f) }
sub clear_faults { $_[0]->_control(DELETE => '/_sim/faults') }

# The members hash of node $n of the demo PHLO: {"+1415...": {role, state}}.
sub members {
    my ($self, $n) = @_;
    return $self->state->{phlos}{$P}{nodes}{ $n // $N }{members};
}

# The last request the simulator logged (decoded body included as body_json when JSON).
sub last_request {
    my $self = shift;
    my $log = $self->requests->{requests};
    my $r = $log->[-1] or return undef;
    # The log was decoded already: body is a character string, so decode it without ->utf8.
    $r->{body_json} = eval { JSON::PP->new->decode($r->{body}) } if defined $r->{body} && length $r->{body};
    return $r;
}

sub stop {
    my $self = shift;
    my $pid = delete $self->{pid} or return;
    kill 'TERM', $pid;
    for (1 .. 250) {
        return if waitpid($pid, POSIX::WNOHANG()) == $pid;
        Time::HiRes::sleep(0.02);
    }
    kill 'KILL', $pid;
    waitpid($pid, 0);
}

# A TCP port on 127.0.0.1 with nothing listening (bound, then closed).
sub closed_port {
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Proto => 'tcp', Listen => 1)
      or die "bind: $!";
    my $port = $s->sockport;
    close $s;
    return $port;
}

# This process's resident set size in kB, from /proc/self/status.
sub rss_kb {
    open my $fh, '<', '/proc/self/status' or return undef;
    while (<$fh>) { return $1 if /^VmRSS:\s+(\d+)\s+kB/ }
    return undef;
}

END {
    local $?;    # keep the test's exit status
    $_->stop for grep { $_->{pid} && $_->{parent} == $$ } @running;    # not from a forked child
}

1;
