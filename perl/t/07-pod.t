use strict;
use warnings;

# POD: every module's POD is well-formed (Pod::Checker, core), and every public method (every
# sub not starting with "_", including the ones made from the core's operation table) has a
# =head2 or =item of its own in its module or a parent's. Needs no simulator.

use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use B ();
use File::Spec;
use Pod::Checker ();

use Plivo::PHLO;

my $lib = File::Spec->catdir($FindBin::Bin, '..', 'lib');
my %FILE_OF = (
    'Plivo::PHLO'                   => 'Plivo/PHLO.pm',
    'Plivo::PHLO::Error'            => 'Plivo/PHLO/Error.pm',
    'Plivo::PHLO::FFI'              => 'Plivo/PHLO/FFI.pm',
    'Plivo::PHLO::Node'             => 'Plivo/PHLO/Node.pm',
    'Plivo::PHLO::MultiPartyCall'   => 'Plivo/PHLO/MultiPartyCall.pm',
    'Plivo::PHLO::ConferenceBridge' => 'Plivo/PHLO/ConferenceBridge.pm',
    'Plivo::PHLO::Member'           => 'Plivo/PHLO/Member.pm',
);
my %NOT_METHODS = map { $_ => 1 } qw(DESTROY CLONE_SKIP BEGIN END import);

# Every .pm under lib is listed above (a new module must be added here, with POD).
my @found;
require File::Find;
File::Find::find({ no_chdir => 1, wanted => sub { push @found, $_ if /\.pm\z/ } }, $lib);
is(scalar @found, scalar keys %FILE_OF, 'every module is checked') or diag explain \@found;

sub documented_names {
    my ($file) = @_;
    open my $fh, '<:encoding(UTF-8)', File::Spec->catfile($lib, $file) or die "$file: $!";
    my %names;
    while (<$fh>) {
        next unless /^=(?:head[1-4]|item)\s+(.*)/;
        $names{$_} = 1 for $1 =~ /([A-Za-z_]\w*)/g;
    }
    return \%names;
}

for my $pkg (sort keys %FILE_OF) {
    my $file = $FILE_OF{$pkg};
    subtest $pkg => sub {
        my $checker = Pod::Checker->new(-warnings => 2, -quiet => 1);
        $checker->parse_from_file(File::Spec->catfile($lib, $file), \my $out);
        is($checker->num_errors, 0, "$file: POD has no errors") or diag $out;
        is($checker->num_warnings, 0, "$file: POD has no warnings") or diag $out;

        my %doc = %{ documented_names($file) };
        no strict 'refs';
        for my $parent (@{"${pkg}::ISA"}) {
            %doc = (%doc, %{ documented_names($FILE_OF{$parent}) }) if $FILE_OF{$parent};
        }
        my @public = grep {
            my $code = *{"${pkg}::$_"}{CODE};
            $code && /\A[A-Za-z]\w*\z/ && !$NOT_METHODS{$_}
              && B::svref_2object($code)->GV->STASH->NAME eq $pkg;    # defined here, not imported
        } sort keys %{"${pkg}::"};
        ok($doc{$_}, "$_ is documented") for @public;
    };
}

subtest 'every operation of the core is a documented method' => sub {
    my $doc = documented_names($FILE_OF{'Plivo::PHLO'});
    for my $op (Plivo::PHLO->operations) {
        ok(Plivo::PHLO->can($op->{name}) && $doc->{ $op->{name} }, "$op->{name}");
    }
};

done_testing;
