-- On what each item a carer may see stands: the person's own choice (made
-- by them, or recorded by their care team as they asked), or a
-- best-interests decision made when they could not choose. A carer's read
-- names it, so the person's access log says which let the carer see it.
-- Rows before this were all the person's choices.
ALTER TABLE carer_sharing ADD COLUMN basis TEXT NOT NULL DEFAULT 'person'
    CHECK (basis IN ('person', 'best-interests'));
