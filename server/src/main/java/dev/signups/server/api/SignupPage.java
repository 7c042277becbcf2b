package dev.signups.server.api;

import java.util.List;

/**
 * A page of {@code GET /signups?status=...}, newest first.
 *
 * @param signups the signups on this page
 * @param nextPageToken pass as {@code pageToken} for the next page; null on the last one
 */
public record SignupPage(List<SignupSummary> signups, String nextPageToken) {}
