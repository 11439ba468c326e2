package dev.trainyard.webhooks;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address block such as {@code 10.0.0.0/8} or {@code fc00::/7}. */
record Cidr(byte[] network, int prefix) {

    /** Parses {@code address/prefix}; a bare address is a block of one. Only literal addresses, never a lookup. */
    static Cidr parse(String text) {
        String[] parts = text.trim().split("/", -1);
        if (parts.length > 2 || !parts[0].matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("not a CIDR block: " + text);
        }
        byte[] network;
        try {
            network = InetAddress.getByName(parts[0]).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not a CIDR block: " + text);
        }
        int prefix = network.length * 8;
        if (parts.length == 2) {
            try {
                prefix = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a CIDR block: " + text);
            }
            if (prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("not a CIDR block: " + text);
            }
        }
        return new Cidr(network, prefix);
    }

    boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }
}
