package Plivo::PHLO::ConferenceBridge;

use strict;
use warnings;

use parent -norequire, 'Plivo::PHLO::Node';
use Plivo::PHLO::Node;

our $VERSION = '0.1.0';

1;

__END__

=head1 NAME

Plivo::PHLO::ConferenceBridge - a conference-bridge node of a PHLO

=head1 SYNOPSIS

    my $bridge = $client->conference_bridge($phlo_id, $node_id);
    my $info   = $bridge->get;
    $bridge->member('+14155550123')->mute;
    $bridge->member('+14155550123')->unmute;
    $bridge->member('+14155550124')->hangup;

=head1 DESCRIPTION

Returned by L<Plivo::PHLO/conference_bridge>. A bridge has no node-level actions; its members
accept C<mute>, C<unmute> and C<hangup> (see L<Plivo::PHLO::Member>).

=head1 METHODS

=head2 get

Reads the node; see L<Plivo::PHLO::Node/get>.

=head2 member

Returns a L<Plivo::PHLO::Member>; see L<Plivo::PHLO::Node/member>.

=cut
