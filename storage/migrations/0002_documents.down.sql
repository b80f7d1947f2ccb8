DROP TABLE document_audiences, documents;
