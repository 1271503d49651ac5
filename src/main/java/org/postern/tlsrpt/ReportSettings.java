package org.postern.tlsrpt;

/**
 * Who sends the reports: {@code organization-name} and {@code contact-info} of the report ({@code
 * postern_tlsrpt_organization_name}, {@code postern_tlsrpt_contact_info}), the submitter domain
 * (TLS-Report-Submitter, the file name and the right side of the report-id: {@code
 * postern_tlsrpt_submitter}) and the mail sender ({@code postern_tlsrpt_sender}).
 */
public record ReportSettings(
    String organizationName, String contactInfo, String submitter, String sender) {}
