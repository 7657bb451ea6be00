package io.trent.audit;

/**
 * The state at the end of a node's chain, immutable so that the group commit can note which state is
 * durable and a failed write can go back to it.
 *
 * @param epoch changes when the trail recovers from a failure: records of an earlier epoch that were
 *     not durable by then are gone
 * @param file the file being written
 * @param fileFirstSeq the sequence number of the file's first record
 * @param seq the last record's sequence number (0 before the first)
 * @param hash the last record's hash ({@link Sha256#GENESIS} before the first)
 * @param position the file's length after the last record
 * @param lastDigestSeq the last digest's sequence number (0 before the first)
 * @param lastSignature the last digest's signature (base64), or null
 * @param eventsSinceDigest event records after the last digest
 */
record ChainHead(int epoch, TrailFileName file, long fileFirstSeq, long seq, String hash, long position,
    long lastDigestSeq, String lastSignature, long eventsSinceDigest) {

  ChainHead withRecord(String newHash, long newPosition, boolean event) {
    return new ChainHead(epoch, file, fileFirstSeq, seq + 1, newHash, newPosition, lastDigestSeq, lastSignature,
        eventsSinceDigest + (event ? 1 : 0));
  }

  ChainHead withDigest(String newHash, long newPosition, String signature) {
    return new ChainHead(epoch, file, fileFirstSeq, seq + 1, newHash, newPosition, seq + 1, signature, 0);
  }

  ChainHead inNewFile(TrailFileName newFile) {
    return new ChainHead(epoch, newFile, seq + 1, seq, hash, 0, lastDigestSeq, lastSignature, eventsSinceDigest);
  }

  ChainHead nextEpoch() {
    return new ChainHead(epoch + 1, file, fileFirstSeq, seq, hash, position, lastDigestSeq, lastSignature,
        eventsSinceDigest);
  }

  boolean uncovered() {
    return seq > lastDigestSeq;
  }
}
