package dev.sinkscope.inference.hub;

import java.net.URI;

/**
 * What the hub's answer to a HEAD on a resolve URL says about a file.
 *
 * @param resolveUri the {@code .../resolve/{commit}/{file}} URL asked
 * @param commit {@code X-Repo-Commit}
 * @param etag {@code X-Linked-Etag} (LFS: the sha256) or {@code ETag} (git blob sha1), unquoted
 * @param size {@code X-Linked-Size} or {@code Content-Length}, -1 if absent
 * @param downloadUri where the bytes are: the CDN address of a redirect, else the resolve URL
 */
record FileMetadata(URI resolveUri, String commit, String etag, long size, URI downloadUri) {}
