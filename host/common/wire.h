/*
 * The codecs as one include, for the roles written before they were split along the protocol
 * seam: GTPv2-C (gtp.h), NAS (nas.h) and the pcap writer (pcap.h). New code includes the one it
 * uses.
 */
#ifndef NASMAC_WIRE_H
#define NASMAC_WIRE_H

#include "gtp.h"
#include "nas.h"
#include "pcap.h"

#endif
